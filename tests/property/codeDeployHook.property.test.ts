/**
 * The CodeDeploy hook under the same kind of generator, where it applies: one invocation per
 * execution, a random time budget, a green that misbehaves in any of the scripted ways, and
 * faults on the report (throttling, 5xx, a duplicate). The real handler, the real SDK against the
 * local CodeDeploy endpoint, a real green app on loopback.
 *
 * Invariants: it returns a Succeeded or Failed that CodeDeploy received, or throws only when the
 * report could not be delivered (so Lambda retries); Succeeded only for a green that answered
 * well to requests that reached it in this invocation; never after the Lambda deadline.
 */
import fc from 'fast-check';
import { MIN_HOOK_SAFETY_MARGIN_MS } from '../../src/config/env';
import { createHookHandler } from '../../src/controllers/codedeploy/createHookHandler';
import { LocalCodeDeployEndpoint } from '../../src/local/codeDeployEndpoint';
import { silentLog } from '../../src/logging/logger';
import { localAwsEnv } from '../helpers/localServers';
import { GREEN_BEHAVIOURS, PROPERTY_SUITE_BASE, ScriptedGreen } from '../helpers/scriptedGreen';
import { suiteOf } from '../helpers/suites';

jest.setTimeout(600_000);

const RUNS = Math.max(1, Math.round(Number(process.env.PROPERTY_RUNS ?? 1_000) / 4));

const suite = suiteOf({
  ...PROPERTY_SUITE_BASE,
  readiness: { path: '/', budgetMs: 300, intervalMs: 20, timeoutMs: 150 },
});

const FAULTS = {
  none: [],
  throttled: [{ errorType: 'ThrottlingException' }],
  'throttled twice': [{ errorType: 'ThrottlingException' }, { errorType: 'ThrottlingException' }],
  'a 500': [{ errorType: 'InternalFailure', httpStatus: 500 }],
  'already completed': [{ errorType: 'LifecycleEventAlreadyCompletedException' }],
  'down for good': Array.from({ length: 8 }, () => ({
    errorType: 'InternalFailure',
    httpStatus: 500,
  })),
} as const;

let green: ScriptedGreen;
let codeDeploy: LocalCodeDeployEndpoint;
const saved = { ...process.env };
beforeAll(async () => {
  green = new ScriptedGreen();
  codeDeploy = new LocalCodeDeployEndpoint();
  await Promise.all([green.start(), codeDeploy.start()]);
  Object.assign(process.env, localAwsEnv(codeDeploy.url));
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([green.stop(), codeDeploy.stop()]);
});

describe('CodeDeploy hook (property)', () => {
  it(`reports what it judged, before the deadline, and passes only on evidence (${RUNS} invocations)`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GREEN_BEHAVIOURS),
        fc.integer({ min: 0, max: 1_500 }),
        fc.constantFrom(...(Object.keys(FAULTS) as Array<keyof typeof FAULTS>)),
        async (behaviour, spareMs, fault) => {
          // A handler per invocation: a cold start, so no verdict is remembered across runs.
          const withUrl = createHookHandler('AfterAllowTestTraffic', () => suite, {
            env: {
              TEST_LISTENER_URL: green.url,
              ROUTING_PROOF: 'false',
              HOOK_SAFETY_MARGIN_MS: String(MIN_HOOK_SAFETY_MARGIN_MS),
              AWS_MAX_ATTEMPTS: '3',
            },
            log: silentLog,
          });
          green.behaviour = behaviour;
          const deploymentId = codeDeploy.addDeployment('app', 'dg');
          const executionId = `exec-${++n}`;
          for (const f of FAULTS[fault])
            codeDeploy.failNext('PutLifecycleEventHookExecutionStatus', f);
          const remainingMs = MIN_HOOK_SAFETY_MARGIN_MS + spareMs;
          const deadline = Date.now() + remainingMs;
          const before = green.requests;
          const started = performance.now();
          let outcome: Awaited<ReturnType<typeof withUrl>> | undefined;
          let thrown: unknown;
          try {
            outcome = await withUrl(
              { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
              { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) },
            );
          } catch (error) {
            thrown = error;
          }
          const elapsed = performance.now() - started;
          const where = `${behaviour}, ${spareMs} ms spare, report ${fault}`;
          // drop faults this invocation did not use, so they cannot spill into the next
          codeDeploy.clearFaults();
          if (elapsed > remainingMs) throw new Error(`answered after the deadline: ${where}`);
          const reports = codeDeploy
            .requestsFor('PutLifecycleEventHookExecutionStatus')
            .filter(
              (r) =>
                (r.body as { lifecycleEventHookExecutionId?: string })
                  .lifecycleEventHookExecutionId === executionId,
            );
          if (thrown) {
            if (fault !== 'down for good') throw new Error(`threw (${String(thrown)}): ${where}`);
            return;
          }
          if (!outcome) throw new Error(`no outcome: ${where}`);
          const reported = reports.at(-1)?.body as { status?: string } | undefined;
          if (reported?.status !== outcome.status) {
            throw new Error(
              `returned ${outcome.status} but reported ${reported?.status}: ${where}`,
            );
          }
          if (
            outcome.status === 'Succeeded' &&
            (behaviour !== 'healthy' || green.requests === before)
          ) {
            throw new Error(`Succeeded unearned: ${where} (${green.requests - before} requests)`);
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});
