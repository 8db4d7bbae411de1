/**
 * A readiness wait carried across invocations: ECS invokes the hook again after `callBackDelay`
 * when it answers IN_PROGRESS, merging the hookDetails it returned into the next event. So the
 * hook never holds a Lambda idle while green starts; it keeps count in hookDetails.
 */
export interface ReadinessState {
  readonly readinessAttempts: number;
  /** When the wait started (ISO 8601). */
  readonly firstSeenAt: string;
  readonly overallBudgetMs: number;
}

export const readinessStateOf = (
  hookDetails: Readonly<Record<string, unknown>> | undefined,
  overallBudgetMs: number,
  now: Date,
): ReadinessState => {
  const attempts = Number(hookDetails?.readinessAttempts);
  const first =
    typeof hookDetails?.firstSeenAt === 'string' ? Date.parse(hookDetails.firstSeenAt) : NaN;
  return {
    readinessAttempts: Number.isSafeInteger(attempts) && attempts > 0 ? attempts : 0,
    firstSeenAt: Number.isNaN(first) ? now.toISOString() : new Date(first).toISOString(),
    overallBudgetMs,
  };
};

export const budgetSpent = (state: ReadinessState, now: Date): boolean =>
  now.getTime() - Date.parse(state.firstSeenAt) >= state.overallBudgetMs;
