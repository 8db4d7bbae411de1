/**
 * What `sls package` adds to the template once the stage is known: the hook role's reads of the
 * suite's secrets and its VPC access, the alarm role's routed deployment groups, and the alarm
 * sources (EventBridge pattern, direct-action permissions). Applied by
 * build/serverless-preflight.js.
 *
 * Every grant is written as the desired state, not appended: `sls deploy` runs the package
 * lifecycle inside its own, so the same stage is applied twice and must come out the same.
 */

import type { DeploymentGroupRef } from '../config/env';
import { ConfigError } from '../errors';
import type { SecretRef } from '../suite/schema';
import { accountArn } from './accountArn';

type Json = Record<string, unknown>;

export { accountArn } from './accountArn';
export {
  ALARM_PERMISSION_ID,
  type AlarmSources,
  alarmActionPermissions,
  alarmNamePattern,
  splitNames,
} from './alarmSources';

export const deploymentGroupArn = (g: DeploymentGroupRef): Json =>
  accountArn('codedeploy', `:deploymentgroup:${g.applicationName}/${g.deploymentGroupName}`);

/** An SSM parameter named by path or by full ARN (GetParameter accepts both). */
export const ssmParameterArn = (name: string): Json | string =>
  name.startsWith('arn:') ? name : accountArn('ssm', `:parameter/${name.replace(/^\//, '')}`);

/** A secret's ARN ends in a random 6-character suffix; an ARN given in full is used as is. */
export const secretArn = (name: string): Json | string =>
  name.startsWith('arn:') ? name : accountArn('secretsmanager', `:secret:${name}-??????`);

export const SECRETS_POLICY_NAME = 'read-smoke-suite-secrets';

export const secretReadStatements = (refs: readonly SecretRef[]): Json[] => {
  const ssm = refs.flatMap((r) => ('ssm' in r ? [ssmParameterArn(r.ssm)] : []));
  const secrets = refs.flatMap((r) => ('secretsManager' in r ? [secretArn(r.secretsManager)] : []));
  return [
    ...(ssm.length ? [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: ssm }] : []),
    ...(secrets.length
      ? [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secrets }]
      : []),
  ];
};

export const WATCH_ALARMS_POLICY_NAME = 'read-watch-alarms';

/**
 * cloudwatch:DescribeAlarms on "*", only for a stage whose watch reads alarms. The Service
 * Authorization Reference lists the alarm resource type, but the DescribeAlarms API reference
 * says composite alarms are returned only when the permission is scoped to "*": "*" is what
 * works under both (see WILDCARD_GRANTS in awsCalls.ts). It is a read of alarm states.
 */
export const watchAlarmStatements = (watchesAlarms: boolean): Json[] =>
  watchesAlarms ? [{ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' }] : [];

export const ANALYSIS_METRICS_POLICY_NAME = 'read-analysis-metrics';

/**
 * cloudwatch:GetMetricData on "*", only for the ECS hook of a stage whose suite asks for canary
 * analysis: a read of classic metrics names no resource (see WILDCARD_GRANTS in awsCalls.ts).
 */
export const analysisMetricStatements = (analyses: boolean): Json[] =>
  analyses ? [{ Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' }] : [];

export const ENI_MANAGEMENT_POLICY = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':iam::aws:policy/service-role/AWSLambdaENIManagementAccess',
    ],
  ],
};

export interface RolePolicies {
  Policies: Array<{ PolicyName: string; PolicyDocument: { Statement: Json[] } }>;
  ManagedPolicyArns: unknown[];
}

/** The role's policies, or a ConfigError that says what shape the grants need. */
export const rolePolicies = (resources: Json | undefined, roleId: string): RolePolicies => {
  const role = resources?.[roleId] as { Properties?: Partial<RolePolicies> } | undefined;
  const props = role?.Properties;
  const policies = props?.Policies;
  if (
    !props ||
    !Array.isArray(policies) ||
    !policies.every((p) => Array.isArray(p?.PolicyDocument?.Statement))
  ) {
    throw new ConfigError('serverless.yml: a role the package-time grants extend was reshaped', [
      `resources.Resources.${roleId}.Properties.Policies must be a list of { PolicyName, PolicyDocument: { Statement: [...] } } (the grants for secrets, VPC and alarm routes are added to it); restore the shipped shape or move your changes to another policy`,
    ]);
  }
  props.ManagedPolicyArns ??= [];
  if (!Array.isArray(props.ManagedPolicyArns)) {
    throw new ConfigError('serverless.yml: a role the package-time grants extend was reshaped', [
      `resources.Resources.${roleId}.Properties.ManagedPolicyArns must be a list`,
    ]);
  }
  return props as RolePolicies;
};

/** Sets (replaces) a named inline policy; removes it when there is nothing to grant. */
export const setInlinePolicy = (role: RolePolicies, name: string, statements: Json[]): void => {
  role.Policies = role.Policies.filter((p) => p.PolicyName !== name);
  if (statements.length > 0) {
    role.Policies.push({
      PolicyName: name,
      PolicyDocument: { Version: '2012-10-17', Statement: statements } as never,
    });
  }
};

export const ensureManagedPolicy = (role: RolePolicies, arn: unknown): void => {
  const text = JSON.stringify(arn);
  if (!role.ManagedPolicyArns.some((a) => JSON.stringify(a) === text)) {
    role.ManagedPolicyArns.push(arn);
  }
};

/** The statement of the alarm role that lists deployments: its groups become `groups`. */
export const setListedGroups = (
  role: RolePolicies,
  groups: readonly DeploymentGroupRef[],
): void => {
  const statement = role.Policies.flatMap((p) => p.PolicyDocument.Statement).find((s) =>
    JSON.stringify(s.Action).includes('codedeploy:ListDeployments'),
  );
  if (!statement) {
    throw new ConfigError('serverless.yml: a role the package-time grants extend was reshaped', [
      'resources.Resources.AlarmFunctionRole has no statement allowing codedeploy:ListDeployments; restore the shipped statement',
    ]);
  }
  const unique = new Map(groups.map((g) => [`${g.applicationName}/${g.deploymentGroupName}`, g]));
  statement.Resource = [...unique.values()].map(deploymentGroupArn);
};

export const REVISIONS_POLICY_NAME = 'read-s3-revisions';

/** s3:GetObject on the objects of exactly the buckets the stage names. */
export const revisionReadStatements = (buckets: readonly string[]): Json[] =>
  buckets.length
    ? [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: buckets.map((b) => ({
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${b}/*`]],
          })),
        },
      ]
    : [];

/** What the hooks of a service map read: each group, its application and its ECS service. */
export interface HookService {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly cluster: string;
  readonly service: string;
}

const unique = (values: Json[]): Json[] => {
  const seen = new Map(values.map((v) => [JSON.stringify(v), v]));
  return [...seen.values()];
};

/** Scopes the hooks' discovery statements to exactly the map's groups, applications and services. */
export const setHookServices = (role: RolePolicies, services: readonly HookService[]): void => {
  const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
  const find = (action: string) => {
    const found = statements.find((s) => [s.Action].flat().includes(action));
    if (!found) {
      throw new ConfigError('serverless.yml: a role the package-time grants extend was reshaped', [
        `resources.Resources.HookFunctionRole has no statement allowing ${action}; restore the shipped statement`,
      ]);
    }
    return found;
  };
  find('codedeploy:GetDeployment').Resource = unique(services.map(deploymentGroupArn));
  find('codedeploy:GetApplicationRevision').Resource = unique(
    services.map((s) => accountArn('codedeploy', `:application:${s.applicationName}`)),
  );
  find('ecs:DescribeServices').Resource = unique(
    services.map((s) => accountArn('ecs', `:service/${s.cluster}/${s.service}`)),
  );
};

export const ECS_ALARM_POLICY_NAME = 'stop-ecs-service-deployments';

/** The alarm role's grants for ECS native targets: list and stop, on exactly those services. */
export const ecsAlarmStatements = (
  services: ReadonlyArray<{ readonly cluster: string; readonly service: string }>,
): Json[] => {
  if (services.length === 0) return [];
  const arns = (resource: (c: string, s: string) => string) =>
    unique(services.map((e) => accountArn('ecs', resource(e.cluster, e.service))));
  return [
    {
      Effect: 'Allow',
      Action: 'ecs:ListServiceDeployments',
      Resource: arns((c, s) => `:service/${c}/${s}`),
    },
    {
      // The reference requires both the service and the service-deployment resource types.
      Effect: 'Allow',
      Action: 'ecs:StopServiceDeployment',
      Resource: [
        ...arns((c, s) => `:service/${c}/${s}`),
        ...arns((c, s) => `:service-deployment/${c}/${s}/*`),
      ],
    },
  ];
};

/** An ECS-only alarm function stops no CodeDeploy deployment: its CodeDeploy grants go. */
export const removeCodeDeployStops = (role: RolePolicies): void => {
  for (const policy of role.Policies) {
    policy.PolicyDocument.Statement = policy.PolicyDocument.Statement.filter(
      (s) => ![s.Action].flat().some((a) => String(a).startsWith('codedeploy:')),
    );
  }
};

export const TRACING_POLICY_NAME = 'xray-tracing';

/**
 * X-Ray's writes, only for a stage with tracing on. Both have no resource type in the Service
 * Authorization Reference, so "*" is the only grant that works.
 */
export const tracingStatements = (tracing: boolean): Json[] =>
  tracing
    ? [
        {
          Effect: 'Allow',
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Resource: '*',
        },
      ]
    : [];
