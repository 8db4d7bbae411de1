/**
 * Builds a lifecycle hook Lambda handler. Configuration is read once, at cold start; a bad
 * configuration is logged then and turned into a Failed report on every invocation, because a
 * function that crashes before reporting leaves the deployment hanging for an hour.
 *
 * Every path ends in a report before the deadline: the suite gets the remaining time minus a
 * safety margin, enforced by runWithDeadline; only a failed report is thrown (so Lambda's own
 * retry can try again), and a duplicate report is logged and accepted.
 */
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { Context } from 'aws-lambda';
import { createCodeDeployClient } from '../codedeploy/client';
import { ENV_DEFAULTS, type HookSettings, readHookSettings } from '../config/env';
import { describeError } from '../errors';
import { attachLambdaContext, createLogger, type Log } from '../logging/logger';
import { runSmokeSuite, type SuiteResult, type Verdict } from '../smoke/runSmokeSuite';
import type { HookName, Suite } from '../smoke/schema';
import type { SecretReader } from '../smoke/secrets';
import { parseHookEvent } from './parseHookEvent';
import { type ReportOutcome, reportHookStatus } from './reportHookStatus';
import { reportTimeoutMs, runWithDeadline, suiteBudgetMs } from './timeBudget';

export type HookContext = Pick<Context, 'getRemainingTimeInMillis'>;

export interface HookInvocationResult {
  readonly status: Verdict;
  readonly report: ReportOutcome;
  readonly reason?: string;
  readonly suite?: SuiteResult;
}

export interface HookHandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Log;
  readonly codeDeploy?: CodeDeployClient;
  readonly readSecret?: SecretReader;
  /** Receives each check result as it lands (the CLI's live timeline). */
  readonly onProgress?: Parameters<typeof runSmokeSuite>[0]['onProgress'];
}

type Loaded = { ok: true; suite: Suite; settings: HookSettings } | { ok: false; error: string };

const loadConfiguration = (loadSuite: () => Suite, env: HookHandlerOptions['env']): Loaded => {
  const problems: string[] = [];
  let suite: Suite | undefined;
  let settings: HookSettings | undefined;
  try {
    settings = readHookSettings(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    suite = loadSuite();
  } catch (error) {
    problems.push((error as Error).message);
  }
  return suite && settings
    ? { ok: true, suite, settings }
    : { ok: false, error: `Invalid configuration, fix it and redeploy. ${problems.join('\n')}` };
};

export const createHookHandler = (
  hook: HookName,
  loadSuite: () => Suite,
  options: HookHandlerOptions = {},
) => {
  const log = options.log ?? createLogger();
  const config = loadConfiguration(loadSuite, options.env);
  if (!config.ok)
    log.error('Cold start: invalid configuration; every invocation will report Failed', {
      hook,
      error: config.error,
    });
  const codeDeploy =
    options.codeDeploy ??
    createCodeDeployClient(
      config.ok ? config.settings.sdk : { maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS },
    );
  const safetyMarginMs = config.ok
    ? config.settings.safetyMarginMs
    : ENV_DEFAULTS.HOOK_SAFETY_MARGIN_MS;

  return async (event: unknown, context: HookContext): Promise<HookInvocationResult> => {
    const started = performance.now();
    attachLambdaContext(log, context);
    const { executionId, deploymentId, problems } = parseHookEvent(event);
    const suiteMs = suiteBudgetMs(context.getRemainingTimeInMillis(), safetyMarginMs);

    let status: Verdict = 'Failed';
    let reason: string | undefined;
    let suiteResult: SuiteResult | undefined;
    try {
      if (problems.length > 0) {
        reason = problems.join('; ');
      } else if (!config.ok) {
        reason = config.error;
      } else if (suiteMs === 0) {
        reason = `no time for the suite: the Lambda has ${context.getRemainingTimeInMillis()} ms left and keeps ${safetyMarginMs} ms to report; raise the function timeout`;
      } else {
        const { suite, settings } = config;
        suiteResult = await runWithDeadline(suiteMs, (signal) =>
          runSmokeSuite({
            suite,
            hook,
            baseUrl: settings.testListenerUrl,
            budget: signal,
            ...(options.readSecret && { readSecret: options.readSecret }),
            onProgress: (progress) => {
              if (progress.type === 'check')
                log.info('Smoke check', { deploymentId, hook, ...progress.result });
              options.onProgress?.(progress);
            },
          }),
        );
        status = suiteResult.verdict;
        reason = suiteResult.reason;
      }
    } catch (error) {
      status = 'Failed';
      reason = `hook crashed: ${describeError(error)}`;
    }

    log[status === 'Succeeded' ? 'info' : 'error']('Hook verdict', {
      deploymentId,
      hook,
      verdict: status,
      ...(reason && { reason }),
      ...(suiteResult && { suite: suiteResult.suite, checks: suiteResult.checks.length }),
      durationMs: Math.round(performance.now() - started),
    });

    // The report gets whatever time is left; the SDK aborts rather than outlive the function.
    const reportSignal = AbortSignal.timeout(reportTimeoutMs(context.getRemainingTimeInMillis()));
    const report = await reportHookStatus(
      codeDeploy,
      { deploymentId, executionId, status },
      reportSignal,
    ).catch((error: unknown) => {
      log.error('Reporting to CodeDeploy failed; throwing so Lambda retries the invocation', {
        deploymentId,
        hook,
        verdict: status,
        error: describeError(error),
      });
      throw error;
    });
    if (report === 'already-completed') {
      log.warn(
        'CodeDeploy already had a status for this hook execution (a duplicate invocation); nothing to do',
        {
          deploymentId,
          hook,
        },
      );
    } else {
      log.info('Reported hook status to CodeDeploy', { deploymentId, hook, verdict: status });
    }
    return {
      status,
      report,
      ...(reason && { reason }),
      ...(suiteResult && { suite: suiteResult }),
    };
  };
};
