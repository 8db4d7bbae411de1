/** Timing a real hook handler, from its start to the moment CodeDeploy received the report. */
import { createHookHandler } from '../../src/controllers/codedeploy/createHookHandler';
import type { LocalCodeDeployEndpoint } from '../../src/local/codeDeployEndpoint';
import { silentLog } from '../../src/logging/logger';
import type { Suite } from '../../src/suite/schema';
import { validateSuite } from '../../src/suite/validateSuite';

export const LATENCY_MS = 50;
export const CHECKS = 20;

/** Dummy credentials: every AWS call goes to loopback stand-ins. */
export const BENCH_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export const benchSuite = (): Suite =>
  validateSuite(
    {
      name: 'bench-20',
      readiness: { path: '/health' },
      checks: Array.from({ length: CHECKS }, (_, i) => ({ name: `check ${i}`, path: `/?n=${i}` })),
    },
    'bench',
  );

export const timeHook = async (
  endpoint: LocalCodeDeployEndpoint,
  listenerUrl: string,
  deadlineMs: number,
  options: { marginMs?: number; suite?: () => Suite } = {},
) => {
  const handler = createHookHandler('AfterAllowTestTraffic', options.suite ?? benchSuite, {
    env: {
      TEST_LISTENER_URL: listenerUrl,
      ROUTING_PROOF: 'false',
      ...(options.marginMs && { HOOK_SAFETY_MARGIN_MS: String(options.marginMs) }),
    },
    log: silentLog,
  });
  const deploymentId = endpoint.addDeployment('app', 'dg');
  return async () => {
    const executionId = `exec-${Math.random()}`;
    const started = performance.now();
    const deadline = started + deadlineMs;
    const result = await handler(
      { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
      { getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()) },
    );
    const report = endpoint
      .requestsFor('PutLifecycleEventHookExecutionStatus')
      .find((r) => r.body.lifecycleEventHookExecutionId === executionId);
    if (!report) throw new Error('no report received');
    return {
      ms: report.receivedAt - started,
      beforeDeadlineMs: deadline - report.receivedAt,
      status: result.status,
    };
  };
};
