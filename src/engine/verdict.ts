/**
 * THE verdict, for both controllers and the CLI. It starts as failed, "nothing was judged", and
 * becomes a pass only on evidence: every selected item ran to completion and passed. An empty
 * selection is never a pass; the only passes without evidence are the exemptions named below
 * (a rollback re-invocation, an operator's explicit opt-out), each with its rule in the reason.
 *
 * The adapters only translate a Verdict into their controller's answer (CodeDeploy's
 * Succeeded/Failed report, ECS's hookStatus); none of them decides pass or fail on its own.
 *
 * Imports nothing: the engine's rooms and both controllers depend on it, never the reverse.
 */

export type VerdictStatus = 'Succeeded' | 'Failed';

export interface Verdict {
  readonly status: VerdictStatus;
  /** Why: the first failure, what was not judged, or what was judged. */
  readonly reason: string;
  /** The items judged and passed (empty unless Succeeded on evidence). */
  readonly judged: readonly string[];
  /** Set when the pass is an exemption, not evidence. */
  readonly exemption?: Exemption;
}

/** What one item of the selection showed. */
export interface Evidence {
  readonly name: string;
  readonly passed: boolean;
  /** It never ran to completion (cancelled after another failure, budget spent). */
  readonly skipped?: boolean;
  readonly reason?: string;
}

/** The only passes that need no evidence, each a rule written down where it is decided. */
export type Exemption = 'rollback re-invocation' | 'skipOnServiceCreation' | 'operator skip marker';

export const NOTHING_JUDGED = 'nothing was judged';

/** Where every verdict starts. */
export const notJudged = (why?: string): Verdict => ({
  status: 'Failed',
  reason: why ? `${NOTHING_JUDGED}: ${why}` : NOTHING_JUDGED,
  judged: [],
});

export const failedVerdict = (reason: string): Verdict => ({
  status: 'Failed',
  reason,
  judged: [],
});

export const exempt = (exemption: Exemption, why: string): Verdict => ({
  status: 'Succeeded',
  reason: `${exemption}: ${why}`,
  judged: [],
  exemption,
});

/**
 * The verdict on a selection from its evidence. A failure that ran wins over one that was cut
 * short (it names the real cause); an item selected but never judged fails the verdict too.
 */
export const decide = (
  selected: readonly string[],
  evidence: readonly Evidence[],
  what = 'this stage',
): Verdict => {
  if (selected.length === 0) return notJudged(`no check is selected for ${what}`);
  const failure = evidence.find((e) => !e.passed && !e.skipped) ?? evidence.find((e) => !e.passed);
  if (failure) {
    return failedVerdict(`check "${failure.name}" failed: ${failure.reason ?? 'no reason given'}`);
  }
  const passed = new Set(evidence.filter((e) => e.passed).map((e) => e.name));
  const missing = selected.filter((name) => !passed.has(name));
  if (missing.length > 0) {
    return notJudged(
      `${missing.map((n) => `"${n}"`).join(', ')} ${missing.length === 1 ? 'was' : 'were'} selected for ${what} but not judged`,
    );
  }
  return {
    status: 'Succeeded',
    reason: `${selected.length} of ${selected.length} selected items judged and passed`,
    judged: [...selected],
  };
};
