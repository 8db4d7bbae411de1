/**
 * Every AWS call each function makes, with the resource IAM authorises it against, written as
 * the Service Authorization Reference prescribes: an action with no resource type is authorised
 * against "*" (a statement naming an ARN never matches it), the others against the ARN of their
 * resource type. The packaging tests simulate each call against the function's role in the
 * template, and the integration tests check that the local endpoints saw no other operation.
 */

import type { DeploymentGroupRef } from '../config/env';
import type { SecretRef } from '../suite/schema';
import type { AwsCall, CallTargets } from './awsCallTypes';
import type { FunctionKind } from './preflight';

export type { AwsCall, CallTargets } from './awsCallTypes';

/**
 * Actions granted on "*" although the Service Authorization Reference lists a resource type for
 * them, each with the AWS source that makes "*" the only grant that works.
 */
export const WILDCARD_GRANTS: Readonly<Record<string, string>> = {
  'cloudwatch:DescribeAlarms':
    'the DescribeAlarms API reference: composite alarms are returned only when the permission is scoped to "*" (the alarm resource type covers metric alarms only)',
  'cloudwatch:GetMetricData':
    'the Service Authorization Reference: its one resource type, dataset, is optional and names PromQL data; a read of classic metrics such as the load balancer\'s names no resource, so only "*" matches it',
};

/** The production watch's alarm read, authorised against "*" (see WILDCARD_GRANTS). */
const alarmCalls = (t: CallTargets): AwsCall[] =>
  t.watchesAlarms
    ? [
        {
          action: 'cloudwatch:DescribeAlarms',
          resource: arn(t, 'cloudwatch', 'alarm:payments-5xx'),
          why: 'the production watch reads the states of its alarms',
        },
      ]
    : [];

/** Canary analysis's metric read (both hooks), authorised against "*" (see WILDCARD_GRANTS). */
const metricCalls = (t: CallTargets): AwsCall[] =>
  t.analysesMetrics
    ? [
        {
          action: 'cloudwatch:GetMetricData',
          resource: '*',
          why: "canary analysis reads the load balancer's metrics of green's and blue's target groups",
        },
      ]
    : [];

/** The CodeDeploy operations each kind of function calls, by their API names. */
export const CODEDEPLOY_OPERATIONS: Readonly<Record<FunctionKind, readonly string[]>> = {
  ecsHook: [],
  hook: [
    'GetDeployment',
    'GetDeploymentGroup',
    'GetApplicationRevision',
    'PutLifecycleEventHookExecutionStatus',
  ],
  alarm: ['ListDeployments', 'BatchGetDeployments', 'StopDeployment'],
};

/** The ECS operations of the alarm function for ECS native targets. */
export const ECS_ALARM_OPERATIONS = ['ListServiceDeployments', 'StopServiceDeployment'] as const;

const arn = (t: CallTargets, service: string, resource: string) =>
  `arn:${t.partition}:${service}:${t.region}:${t.account}:${resource}`;

/** Lambda writes the function's logs with its execution role. */
const logCalls = (t: CallTargets): AwsCall[] => {
  const stream = arn(
    t,
    'logs',
    `log-group:/aws/lambda/${t.functionName}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`,
  );
  return [
    { action: 'logs:CreateLogStream', resource: stream, why: 'Lambda creates the log stream' },
    { action: 'logs:PutLogEvents', resource: stream, why: 'Lambda writes the log lines' },
  ];
};

const secretCall = (t: CallTargets, ref: SecretRef): AwsCall =>
  'ssm' in ref
    ? {
        action: 'ssm:GetParameter',
        resource: ref.ssm.startsWith('arn:')
          ? ref.ssm
          : arn(t, 'ssm', `parameter/${ref.ssm.replace(/^\//, '')}`),
        why: `a check header reads SSM parameter ${ref.ssm}`,
      }
    : {
        action: 'secretsmanager:GetSecretValue',
        // The real ARN ends in a random six-character suffix.
        resource: ref.secretsManager.startsWith('arn:')
          ? ref.secretsManager
          : arn(t, 'secretsmanager', `secret:${ref.secretsManager}-AbC123`),
        why: `a check header reads secret ${ref.secretsManager}`,
      };

/** Reads with no resource type in the reference: authorised against "*" only. */
const describeOnlyCalls: AwsCall[] = [
  'ecs:DescribeTaskDefinition',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetHealth',
].map((action) => ({ action, resource: '*', why: 'discovery and the routing proof' }));

/** Discovery's reads (src/discovery): the deployment, its listeners, task sets and revision. */
const discoveryCalls = (t: CallTargets): AwsCall[] => [
  ...t.deploymentGroups.flatMap((g) => [
    {
      action: 'codedeploy:GetDeployment',
      resource: arn(
        t,
        'codedeploy',
        `deploymentgroup:${g.applicationName}/${g.deploymentGroupName}`,
      ),
      why: 'discovery reads the deployment',
    },
    {
      action: 'codedeploy:GetDeploymentGroup',
      resource: arn(
        t,
        'codedeploy',
        `deploymentgroup:${g.applicationName}/${g.deploymentGroupName}`,
      ),
      why: 'discovery reads the listeners and the ECS service of the group',
    },
    {
      action: 'codedeploy:GetApplicationRevision',
      resource: arn(t, 'codedeploy', `application:${g.applicationName}`),
      why: 'the appspec names the new task definition',
    },
  ]),
  ...(t.ecsServices ?? []).map((e) => ({
    action: 'ecs:DescribeServices',
    resource: arn(t, 'ecs', `service/${e.cluster}/${e.service}`),
    why: 'the task sets tell green from blue',
  })),
  ...describeOnlyCalls,
  ...(t.revisionBuckets ?? []).map((bucket) => ({
    action: 's3:GetObject',
    resource: `arn:${t.partition}:s3:::${bucket}/appspec.yaml`,
    why: 'an S3 revision is read from its bucket',
  })),
];

/** The ECS native hook's reads: the service revision and deployment, then the listener rules. */
const ecsHookCalls = (t: CallTargets): AwsCall[] =>
  (t.ecsServices ?? []).flatMap((e) => [
    ...['service', `service-revision/${e.cluster}/${e.service}/1234567890123456789`].map(
      (resource) => ({
        action: 'ecs:DescribeServiceRevisions',
        resource: arn(
          t,
          'ecs',
          resource.startsWith('service-revision') ? resource : `service/${e.cluster}/${e.service}`,
        ),
        why: 'the target revision names its listener rules, target group and task definition',
      }),
    ),
    ...['service', `service-deployment/${e.cluster}/${e.service}/abcdefghijk`].map((resource) => ({
      action: 'ecs:DescribeServiceDeployments',
      resource: arn(
        t,
        'ecs',
        resource.startsWith('service-deployment') ? resource : `service/${e.cluster}/${e.service}`,
      ),
      why: "a service's first deployment has no source revision (skipOnServiceCreation); its alarms (watch.deploymentAlarms)",
    })),
  ]);

export const awsCallsOf = (kind: FunctionKind, t: CallTargets): AwsCall[] => {
  if (kind === 'ecsHook') {
    return [
      ...logCalls(t),
      ...ecsHookCalls(t),
      ...describeOnlyCalls,
      ...t.secrets.map((ref) => secretCall(t, ref)),
      ...alarmCalls(t),
      ...metricCalls(t),
    ];
  }
  if (kind === 'hook') {
    return [
      ...logCalls(t),
      ...discoveryCalls(t),
      {
        action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
        resource: '*',
        why: 'the hook reports its verdict',
      },
      ...t.secrets.map((ref) => secretCall(t, ref)),
      ...alarmCalls(t),
      ...metricCalls(t),
    ];
  }
  const group = (g: DeploymentGroupRef) =>
    arn(t, 'codedeploy', `deploymentgroup:${g.applicationName}/${g.deploymentGroupName}`);
  return [
    ...logCalls(t),
    ...t.deploymentGroups.flatMap((g) => [
      {
        action: 'codedeploy:ListDeployments',
        resource: group(g),
        why: `lists active deployments of ${g.applicationName}/${g.deploymentGroupName}`,
      },
      {
        action: 'codedeploy:BatchGetDeployments',
        resource: group(g),
        why: 'tells rollback deployments apart',
      },
    ]),
    ...(t.deploymentGroups.length
      ? [{ action: 'codedeploy:StopDeployment', resource: '*', why: 'stops with rollback' }]
      : []),
    ...(t.alarmEcsServices ?? []).flatMap((e) => [
      {
        action: 'ecs:ListServiceDeployments',
        resource: arn(t, 'ecs', `service/${e.cluster}/${e.service}`),
        why: `lists in-progress deployments of ECS service ${e.cluster}/${e.service}`,
      },
      ...[
        `service/${e.cluster}/${e.service}`,
        `service-deployment/${e.cluster}/${e.service}/abcdefghijk`,
      ].map((resource) => ({
        action: 'ecs:StopServiceDeployment',
        resource: arn(t, 'ecs', resource),
        why: 'stops with rollback (the reference requires the service and the deployment)',
      })),
    ]),
    ...(t.failedDeliveryQueue
      ? [
          {
            action: 'sqs:SendMessage',
            resource: t.failedDeliveryQueue,
            why: 'Lambda sends a delivery that failed every retry to the on-failure queue',
          },
        ]
      : []),
  ];
};
