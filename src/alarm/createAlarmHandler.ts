/**
 * Builds the alarm rollback Lambda handler: an alarm going to ALARM stops the active deployments
 * of its deployment group(s) with automatic rollback; anything else stops nothing and says why.
 * One structured log line per decision. A stop that fails for a reason other than "already
 * completed" is thrown after every group was tried, so SNS or EventBridge deliver again.
 */
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { sdkClientConfig } from '../aws/clients';
import { createCodeDeployClient } from '../aws/codeDeployClients';
import {
  type AlarmSettings,
  type AlarmTarget,
  isEcsTarget,
  readAlarmSettings,
  targetLabel,
} from '../config/env';
import { describeError, StopDeploymentError } from '../errors';
import { attachLambdaContext, createLogger, type Log } from '../logging/logger';
import { type AlarmDecisionMetric, type Meter, noMeter } from '../logging/metrics';
import { type AlarmStateChange, parseAlarmEvent } from './parseAlarmEvent';
import { type GroupStopReport, stopActiveDeployments } from './stopActiveDeployments';
import { stopActiveEcsDeployments } from './stopActiveEcsDeployments';

export interface AlarmHandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Log;
  readonly codeDeploy?: CodeDeployClient;
  readonly ecs?: ECSClient;
  /** Where decisions go as metrics (the Lambda handler passes the EMF meter); none unless given. */
  readonly meter?: Meter;
}

export type AlarmDecision =
  | { readonly alarmName: string; readonly action: 'ignored'; readonly why: string }
  | {
      readonly alarmName: string;
      readonly action: 'stop';
      readonly groups: readonly GroupStopReport[];
    }
  | {
      readonly alarmName: string;
      readonly action: 'error';
      readonly group: AlarmTarget;
      readonly error: string;
    };

export interface AlarmInvocationResult {
  readonly decisions: readonly AlarmDecision[];
  readonly rejections: readonly string[];
}

/** Each decision as the metric counts it: one per alarm and target, one per rejected payload. */
export const decisionMetrics = (
  result: AlarmInvocationResult,
  dryRun: boolean,
): AlarmDecisionMetric[] => [
  ...result.decisions.map((d): AlarmDecisionMetric => {
    if (d.action !== 'stop') return d.action;
    const results = d.groups.flatMap((g) => g.results);
    if (results.some((r) => r.outcome === 'failed')) return 'error';
    if (results.length === 0) return 'nothing-active';
    return dryRun ? 'dry-run' : 'stopped';
  }),
  ...result.rejections.map((): AlarmDecisionMetric => 'rejected'),
];

const groupLabel = targetLabel;
/** The log field that names a target: its deployment group, or its ECS service. */
const targetField = (t: AlarmTarget) =>
  isEcsTarget(t)
    ? { ecsService: `${t.cluster}/${t.service}` }
    : { deploymentGroup: targetLabel(t) };

const transition = (c: AlarmStateChange) => `${c.oldState ?? '?'} -> ${c.newState}`;

export const groupsForAlarm = (
  settings: AlarmSettings,
  alarmName: string,
): readonly AlarmTarget[] => settings.routes.get(alarmName) ?? [settings.defaultTarget];

export const createAlarmHandler = (options: AlarmHandlerOptions = {}) => {
  const log = options.log ?? createLogger();
  const meter = options.meter ?? noMeter;
  // Unlike a hook, a misconfigured alarm function leaves no deployment hanging: fail loudly at
  // cold start (and at package time, through the preflight).
  const settings = readAlarmSettings(options.env);
  const codeDeploy = options.codeDeploy ?? createCodeDeployClient(settings.sdk);
  let ecs = options.ecs;
  const stop = (target: AlarmTarget): Promise<GroupStopReport> => {
    if (!isEcsTarget(target)) {
      return stopActiveDeployments(codeDeploy, target, { dryRun: settings.dryRun });
    }
    ecs ??= new ECSClient(sdkClientConfig(settings.sdk));
    return stopActiveEcsDeployments(ecs, target, { dryRun: settings.dryRun });
  };

  const decide = async (change: AlarmStateChange): Promise<AlarmDecision[]> => {
    const common = {
      alarmName: change.alarmName,
      transition: transition(change),
      reason: change.reason,
      via: change.via,
      dryRun: settings.dryRun,
    };
    if (change.newState !== 'ALARM') {
      const why = `state ${change.newState} is not ALARM`;
      log.info('Alarm decision: nothing to stop', { ...common, decision: 'ignored', why });
      return [{ alarmName: change.alarmName, action: 'ignored', why }];
    }
    const groups = groupsForAlarm(settings, change.alarmName);
    return Promise.all(
      groups.map(async (group): Promise<AlarmDecision> => {
        try {
          const report = await stop(group);
          const decision =
            report.results.length === 0
              ? 'no active deployment'
              : settings.dryRun
                ? 'would stop (dry run)'
                : 'stopped with rollback';
          log[report.results.some((r) => r.outcome === 'failed') ? 'error' : 'info'](
            `Alarm decision: ${decision}`,
            {
              ...common,
              ...targetField(group),
              decision,
              deploymentsFound: report.found,
              rollbacksLeftRunning: report.rollbacksLeftRunning,
              stops: report.results,
            },
          );
          return { alarmName: change.alarmName, action: 'stop', groups: [report] };
        } catch (error) {
          log.error('Alarm decision: could not list deployments', {
            ...common,
            ...targetField(group),
            decision: 'error',
            error: describeError(error),
          });
          return {
            alarmName: change.alarmName,
            action: 'error',
            group,
            error: describeError(error),
          };
        }
      }),
    );
  };

  return async (event: unknown, context?: unknown): Promise<AlarmInvocationResult> => {
    attachLambdaContext(log, context);
    const { changes, rejections } = parseAlarmEvent(event);
    for (const problem of rejections) {
      log.error('Alarm payload rejected: nothing stopped', { decision: 'rejected', problem });
    }
    const decisions = (await Promise.all(changes.map(decide))).flat();
    meter.alarmDecisions(decisionMetrics({ decisions, rejections }, settings.dryRun));
    const failures = decisions.flatMap((d) => {
      if (d.action === 'error') return [`${groupLabel(d.group)}: ${d.error}`];
      if (d.action !== 'stop') return [];
      return d.groups.flatMap((g) =>
        g.results.flatMap((r) =>
          r.outcome === 'failed' ? [`${r.deploymentId} in ${groupLabel(g.group)}: ${r.error}`] : [],
        ),
      );
    });
    if (failures.length > 0) {
      throw new StopDeploymentError(
        `Could not stop every active deployment; the delivery will be retried. Check the function's codedeploy:ListDeployments/BatchGetDeployments/StopDeployment (or ecs:ListServiceDeployments/StopServiceDeployment) permissions on: ${failures.join('; ')}`,
      );
    }
    return { decisions, rejections };
  };
};
