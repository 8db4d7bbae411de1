/**
 * The findings of AWS's rule packs (cdk-nag AwsSolutions and Serverless) that this template keeps
 * on purpose, each with its reason and source. build/serverless-preflight.js writes them into the
 * resources' Metadata as `cdk_nag.rules_to_suppress`, the format scanners read, so an operator's
 * scanner sees the reason next to the resource. The packaging tests run both packs on the
 * packaged template: a finding without an acknowledgment fails them, and so does an
 * acknowledgment that no longer matches a finding.
 */

export interface Acknowledgment {
  readonly id: string;
  readonly reason: string;
}

/** The functions, by their key in serverless.yml. */
export type FunctionKey =
  | 'afterAllowTestTraffic'
  | 'beforeAllowTraffic'
  | 'afterAllowTraffic'
  | 'ecsLifecycleHook'
  | 'alarmRollback';

const RUNTIME: Acknowledgment[] = [
  {
    id: 'AwsSolutions-L1',
    reason:
      'nodejs24.x is the Node.js LTS line this release is bundled for (esbuild target node24) and tested on; aws-cdk-lib already lists nodejs26.x. Moving runtime is a tested upgrade of its own, not a template edit.',
  },
];
const LATEST_VERSION: Acknowledgment = {
  id: 'Serverless-LambdaLatestVersion',
  reason: RUNTIME[0]?.reason ?? '',
};

const HOOK_DLQ: Acknowledgment = {
  id: 'Serverless-LambdaDLQ',
  reason:
    "A hook answers its controller itself (CodeDeploy: PutLifecycleEventHookExecutionStatus; ECS: the response's hookStatus). A dead-letter copy of its invocation cannot answer for it, so it would keep nothing anyone can act on. A hook that could not answer shows on its Errors alarm, and the controller fails the lifecycle event.",
};
const ALARM_DLQ: Acknowledgment = {
  id: 'Serverless-LambdaDLQ',
  reason:
    'Failed asynchronous invocations go to the on-failure destination (AlarmRollbackFailedDeliveries, with its alarm), which keeps the request, the error and the function; a dead-letter queue would keep only the event.',
};
const TRACING_OFF: Acknowledgment = {
  id: 'Serverless-LambdaTracing',
  reason:
    'Tracing is opt-in (stage param tracing: "true"): X-Ray adds cold-start time (npm run bench states it) and cost to every invocation, and verdicts, durations and failed checks are already in the logs and the EMF metrics.',
};

/** Whether `provider.tracing.lambda` turns X-Ray on (the framework accepts true or "Active"). */
export const tracingEnabled = (tracing: { readonly lambda?: unknown } | undefined): boolean =>
  tracing?.lambda === true || tracing?.lambda === 'true' || tracing?.lambda === 'Active';

/** What each function keeps: the runtime line, no DLQ (with why), tracing off unless opted in. */
export const functionAcknowledgments = (
  key: FunctionKey,
  options: { readonly tracing: boolean },
): Acknowledgment[] => [
  ...RUNTIME,
  LATEST_VERSION,
  key === 'alarmRollback' ? ALARM_DLQ : HOOK_DLQ,
  ...(options.tracing ? [] : [TRACING_OFF]),
];

/** The framework's artifact bucket. */
export const DEPLOYMENT_BUCKET_ACKNOWLEDGMENTS: Acknowledgment[] = [
  {
    id: 'AwsSolutions-S1',
    reason:
      "The framework's deployment bucket holds only the packaged artifacts sls deploy uploads; public access is blocked and the framework's policy denies requests without TLS. Access logs need a second bucket per stage: to log, deploy into an organisation bucket that does (provider.deploymentBucket.name).",
  },
];

/** Statements as they appear in a role's inline policies. */
interface Statement {
  readonly Action?: string | readonly string[];
  readonly Resource?: unknown;
}

const list = <T>(v: T | readonly T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? [...(v as T[])] : [v as T];

/** The actions a role grants on "*", sorted. */
export const wildcardActions = (statements: readonly Statement[]): string[] =>
  [
    ...new Set(
      statements.filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action)),
    ),
  ].sort();

/**
 * A role's "*" grants: the packaging tests prove against the Service Authorization Reference that
 * each is an action with no resource type (IAM authorises it against "*" only) or one of
 * `exceptions`, with the AWS source that makes "*" the only grant that works.
 */
export const wildcardAcknowledgments = (
  statements: readonly Statement[],
  exceptions: Readonly<Record<string, string>>,
): Acknowledgment[] => {
  const actions = wildcardActions(statements);
  if (actions.length === 0) return [];
  const plain = actions.filter((a) => !(a in exceptions));
  const special = actions.filter((a) => a in exceptions).map((a) => `${a} (${exceptions[a]})`);
  const reason = [
    plain.length > 0
      ? `"*" only for actions the Service Authorization Reference lists with no resource type, which IAM authorises against "*" alone (a statement naming an ARN never matches them): ${plain.join(', ')}.`
      : '',
    special.length > 0
      ? `"*" because AWS documents it as the only grant that works: ${special.join('; ')}.`
      : '',
    'Every other action of this role names its resources.',
  ]
    .filter(Boolean)
    .join(' ');
  return [
    { id: 'AwsSolutions-IAM5[Resource::*]', reason },
    { id: 'Serverless-LambdaStarPermissions', reason },
  ];
};

/**
 * A resource or policy ARN as the rule packs print it in a finding's id: intrinsics flattened,
 * `{ Ref: X }` as `<X>` and `{ "Fn::GetAtt": [A, B] }` as `<A.B>`.
 */
export const flattenReference = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flattenReference).join('');
  const v = (value ?? {}) as Record<string, unknown>;
  if ('Ref' in v) return `<${String(v.Ref)}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenReference).join(separator);
  }
  return JSON.stringify(value);
};

/** Why a role may name resources by a pattern, by what the pattern covers. */
const PATTERN_REASONS: readonly [RegExp, string][] = [
  [
    /:ecs:.*:service-(revision|deployment)\//,
    "ECS names each service revision and service deployment with an id it makes at deploy time, so no policy can list them in advance; the pattern is scoped to one service's revisions or deployments (Service Authorization Reference: the service-revision and service-deployment resource types).",
  ],
  [
    /:s3:::[^/]+\/\*$/,
    "A deployment's revision (appspec) is an object whose key the team's pipeline picks per release; the grant is read-only and scoped to the buckets named in the revisionBuckets stage param.",
  ],
];

const MANAGED_POLICY_REASONS: Readonly<Record<string, string>> = {
  AWSLambdaENIManagementAccess:
    'AWS\'s managed policy for a Lambda function in a VPC (Lambda developer guide, "Giving Lambda functions access to resources in an Amazon VPC"): Lambda creates, describes and deletes the function\'s network interfaces with it. Added only when the stage sets the vpc param.',
};

interface Role {
  readonly Properties?: {
    readonly Policies?: readonly {
      readonly PolicyDocument?: {
        readonly Statement?: readonly (Statement & { Effect?: string })[];
      };
    }[];
    readonly ManagedPolicyArns?: readonly unknown[];
  };
}

/**
 * Every acknowledgment a role needs: its "*" grants, its resource patterns and AWS managed
 * policies with a known reason. A pattern or policy with no reason here is left unacknowledged,
 * so the packaging tests fail until someone writes down why it is right.
 */
export const roleAcknowledgments = (
  role: Role,
  exceptions: Readonly<Record<string, string>>,
): Acknowledgment[] => {
  const statements = (role.Properties?.Policies ?? []).flatMap(
    (p) => p.PolicyDocument?.Statement ?? [],
  );
  const allowed = statements.filter((st) => st.Effect !== 'Deny');
  const patterns = [
    ...new Set(
      allowed
        .flatMap((st) => list(st.Resource))
        .map(flattenReference)
        .filter((r) => r !== '*' && r.includes('*')),
    ),
  ];
  const patternAcks = patterns.flatMap((pattern) => {
    const reason = PATTERN_REASONS.find(([re]) => re.test(pattern))?.[1];
    return reason ? [{ id: `AwsSolutions-IAM5[Resource::${pattern}]`, reason }] : [];
  });
  const managedAcks = (role.Properties?.ManagedPolicyArns ?? [])
    .map(flattenReference)
    .flatMap((arn) => {
      const reason = MANAGED_POLICY_REASONS[arn.split('/').pop() ?? ''];
      return reason ? [{ id: `AwsSolutions-IAM4[Policy::${arn}]`, reason }] : [];
    });
  return [...wildcardAcknowledgments(allowed, exceptions), ...patternAcks, ...managedAcks];
};

interface Resource {
  Metadata?: { cdk_nag?: { rules_to_suppress?: Acknowledgment[] } } & Record<string, unknown>;
}

/** Sets `acknowledgments` on a resource, replacing earlier ones with the same ids. */
export const acknowledge = (resource: Resource, acknowledgments: readonly Acknowledgment[]) => {
  const ids = new Set(acknowledgments.map((a) => a.id));
  const kept = (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).filter((a) => !ids.has(a.id));
  const rules = [...kept, ...acknowledgments];
  resource.Metadata = { ...resource.Metadata, cdk_nag: { rules_to_suppress: rules } };
};
