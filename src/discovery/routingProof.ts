/**
 * The routing proof: before any check, the test listener must send its traffic only to green.
 * Pure: it judges what discovery read (the listener's forward actions, the service's task sets,
 * green's target health) and says, in the operator's terms, what is wrong.
 */
export interface TaskSetView {
  readonly taskDefinition: string;
  readonly status: string;
  readonly targetGroupArns: readonly string[];
}

export interface ForwardView {
  readonly targetGroupArn: string;
  readonly weight: number;
}

export interface RoutingInput {
  readonly testPort: number;
  /** Every forward target of the test listener's rules (default rule included). */
  readonly forwards: readonly ForwardView[];
  readonly taskSets: readonly TaskSetView[];
  /** The deployment's new task definition, when the revision could be read. */
  readonly greenTaskDefinition?: string;
  /** Healthy targets per target group ARN (only green's is needed). */
  readonly healthyTargets: ReadonlyMap<string, number>;
}

export type RoutingVerdict =
  | { readonly ok: true; readonly green: TaskSetView; readonly greenTargetGroup: string }
  | { readonly ok: false; readonly reason: string };

/** `family:revision` of a task definition ARN; `:42` when `short`. */
export const taskDefinitionLabel = (arn: string, short = false): string => {
  const name = arn.split('/').pop() ?? arn;
  return short ? `:${name.split(':').pop()}` : name;
};

/** The name in a target group ARN (`…:targetgroup/<name>/<id>`). */
export const targetGroupName = (arn: string): string => arn.split('/')[1] ?? arn;

export const findGreen = (
  taskSets: readonly TaskSetView[],
  greenTaskDefinition: string | undefined,
): TaskSetView | undefined =>
  greenTaskDefinition
    ? taskSets.find((t) => t.taskDefinition === greenTaskDefinition)
    : taskSets.find((t) => t.status !== 'PRIMARY');

export const proveRouting = (input: RoutingInput): RoutingVerdict => {
  const green = findGreen(input.taskSets, input.greenTaskDefinition);
  const blue = input.taskSets.find((t) => t.status === 'PRIMARY');
  if (!green) {
    return {
      ok: false,
      reason: input.greenTaskDefinition
        ? `no task set of the service runs the deployment's task definition ${taskDefinitionLabel(input.greenTaskDefinition)}; ECS has not created green yet, or the revision names another task definition`
        : 'the service has no task set besides the PRIMARY one: there is no green to test',
    };
  }
  const greenGroups = new Set(green.targetGroupArns);
  const live = input.forwards.filter((f) => f.weight > 0);
  if (live.length === 0) {
    return { ok: false, reason: `test listener :${input.testPort} forwards to no target group` };
  }
  const stray = live.find((f) => !greenGroups.has(f.targetGroupArn));
  if (stray) {
    const owner = input.taskSets.find((t) => t.targetGroupArns.includes(stray.targetGroupArn));
    const servedBy = owner
      ? `which serves the ${owner === blue ? 'blue' : owner.status} task set (task definition ${taskDefinitionLabel(owner.taskDefinition)})`
      : 'which no task set of the service is registered in';
    return {
      ok: false,
      reason: `test listener :${input.testPort} forwards to ${targetGroupName(stray.targetGroupArn)}, ${servedBy}, not green (${taskDefinitionLabel(green.taskDefinition, true)})`,
    };
  }
  const greenTargetGroup = live[0]?.targetGroupArn as string;
  const healthy = input.healthyTargets.get(greenTargetGroup) ?? 0;
  if (healthy < 1) {
    return {
      ok: false,
      reason: `green's target group ${targetGroupName(greenTargetGroup)} has no healthy target: the load balancer would not send the checks to green`,
    };
  }
  return { ok: true, green, greenTargetGroup };
};

/** A rule's forwards that carry traffic (weight above 0). */
export const liveForwards = (forwards: readonly ForwardView[]): ForwardView[] =>
  forwards.filter((f) => f.weight > 0);

/**
 * Whether every request through a rule reaches one target group: it forwards there with a
 * weight above 0, and nowhere else with a weight above 0. A split rule (a canary step: blue 90,
 * green 10) reaches both sides, so it proves nothing about either.
 */
export const reachesOnly = (forwards: readonly ForwardView[], targetGroupArn: string): boolean => {
  const live = liveForwards(forwards);
  return live.length > 0 && live.every((f) => f.targetGroupArn === targetGroupArn);
};

/** "tg-1 (weight 90), tg-2 (weight 10)", for reasons. */
export const describeForwards = (forwards: readonly ForwardView[]): string => {
  const live = liveForwards(forwards);
  return live.length === 0
    ? 'no target group'
    : live.map((f) => `${targetGroupName(f.targetGroupArn)} (weight ${f.weight})`).join(', ');
};
