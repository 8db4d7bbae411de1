/**
 * The lifecycle hook handler end to end on loopback: a real green app, the real AWS SDK client
 * (configured only through the standard environment variables) and a local endpoint speaking
 * CodeDeploy's JSON 1.1 protocol. Asserts what the endpoint received.
 */

import { createHookHandler } from '../../../../src/controllers/codedeploy/createHookHandler';
import { HookReportError, InvalidEventError } from '../../../../src/errors';
import { closedPortUrl } from '../../../../src/local/sampleApp';
import type { Suite } from '../../../../src/suite/schema';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { localAwsEnv, startApp, startCodeDeploy } from '../../../helpers/localServers';
import { sampleAppSuite } from '../../../helpers/suites';

let executionCounter = 0;
const newExecutionId = () => `exec+/${++executionCounter}==`;

// The SDK reads its endpoint and credentials from the environment, as in Lambda.
const savedEnv = { ...process.env };
beforeEach(() => {
  process.env = { ...savedEnv };
});
afterAll(() => {
  process.env = savedEnv;
});

/** A hook handler for `listenerUrl`, its SDK pointed at a fresh local CodeDeploy endpoint. */
const localHook = async (listenerUrl: string) => {
  const endpoint = await startCodeDeploy();
  await withLocalAws(endpoint.url);
  const log = captureLog();
  const handler = createHookHandler('AfterAllowTestTraffic', () => sampleAppSuite(), {
    env: { TEST_LISTENER_URL: listenerUrl, ROUTING_PROOF: 'false' },
    log,
  });
  return { endpoint, handler, log };
};

const withLocalAws = async (endpointUrl: string) =>
  Object.assign(process.env, localAwsEnv(endpointUrl));

const run = async (
  listenerUrl: string,
  opts: { suite?: Suite; env?: Record<string, string>; deadlineMs?: number } = {},
) => {
  const endpoint = await startCodeDeploy();
  await withLocalAws(endpoint.url);
  const deploymentId = endpoint.addDeployment('app', 'dg');
  const log = captureLog();
  const handler = createHookHandler('AfterAllowTestTraffic', () => opts.suite ?? sampleAppSuite(), {
    env: { TEST_LISTENER_URL: listenerUrl, ROUTING_PROOF: 'false', ...opts.env },
    log,
  });
  const executionId = newExecutionId();
  const context = contextWithDeadline(opts.deadlineMs ?? 30_000);
  const result = await handler(
    { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
    context,
  );
  const reports = endpoint.requestsFor('PutLifecycleEventHookExecutionStatus');
  return { endpoint, deploymentId, executionId, handler, log, result, reports, context };
};

describe('lifecycle hook handler', () => {
  it('reports Succeeded exactly once for a healthy green app', async () => {
    const app = await startApp();
    const { endpoint, deploymentId, executionId, log, result } = await run(app.url);
    expect(result).toMatchObject({ status: 'Succeeded', report: 'reported' });
    const reports = endpoint.requestsFor('PutLifecycleEventHookExecutionStatus');
    expect(reports.map((r) => r.body)).toEqual([
      { deploymentId, lifecycleEventHookExecutionId: executionId, status: 'Succeeded' },
    ]);
    expect(reports[0]?.headers['x-amz-target']).toBe(
      'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus',
    );
    expect(reports[0]?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(String(reports[0]?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\//,
    );
    // one structured line per check and one summary line
    expect(log.lines.filter((l) => l.message === 'Smoke check')).toHaveLength(3);
    expect(log.lines.find((l) => l.message === 'Hook verdict')?.fields).toMatchObject({
      deploymentId,
      hook: 'AfterAllowTestTraffic',
      verdict: 'Succeeded',
    });
  });
});

describe('lifecycle hook handler, failure paths', () => {
  it('reports Failed exactly once for a broken green app', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const { result, reports } = await run(app.url);
    expect(result.status).toBe('Failed');
    expect(result.reason).toMatch(/status 500, expected/);
    expect(reports.map((r) => r.body.status)).toEqual(['Failed']);
  });

  it('reports Failed before the deadline, with its margin, when green hangs', async () => {
    const app = await startApp({ behaviour: 'hang' });
    const suite = sampleAppSuite({ timeoutMs: 60_000 });
    const { result, reports, context } = await run(app.url, {
      suite,
      deadlineMs: 10_000,
      env: { HOOK_SAFETY_MARGIN_MS: '8000' },
    });
    expect(result.status).toBe('Failed');
    expect(reports).toHaveLength(1);
    const reportedAt = performance.timeOrigin + (reports[0]?.receivedAt ?? Number.NaN);
    // the report lands before the deadline, with the safety margin (8 s) nearly intact
    expect(context.deadline - reportedAt).toBeGreaterThan(7_000);
  });

  it('reports Failed when the listener refuses connections', async () => {
    const { result, reports } = await run(await closedPortUrl());
    expect(result.reason).toMatch(/connection refused after 3 attempts/);
    expect(reports.map((r) => r.body.status)).toEqual(['Failed']);
  });

  it('reports Failed, naming the variable, when TEST_LISTENER_URL is invalid', async () => {
    const { result, reports, log } = await run('not-a-url');
    expect(result.reason).toMatch(/TEST_LISTENER_URL is not a valid URL: "not-a-url"/);
    expect(reports.map((r) => r.body.status)).toEqual(['Failed']);
    expect(log.lines[0]?.message).toMatch(/^Cold start: invalid configuration/);
  });

  it('reports Failed when the suite is invalid', async () => {
    const endpoint = await startCodeDeploy();
    await withLocalAws(endpoint.url);
    const handler = createHookHandler(
      'BeforeAllowTraffic',
      () => {
        throw new Error('config/suites/default.yaml:3: checks: too small');
      },
      {
        env: { TEST_LISTENER_URL: 'http://127.0.0.1:1', ROUTING_PROOF: 'false' },
        log: captureLog(),
      },
    );
    const result = await handler(
      {
        DeploymentId: endpoint.addDeployment('a', 'b'),
        LifecycleEventHookExecutionId: newExecutionId(),
      },
      contextWithDeadline(10_000),
    );
    expect(result.reason).toMatch(/default\.yaml:3: checks: too small/);
    expect(
      endpoint.requestsFor('PutLifecycleEventHookExecutionStatus').map((r) => r.body.status),
    ).toEqual(['Failed']);
  });

  it('reports Failed when the Lambda has less time left than the safety margin', async () => {
    const app = await startApp();
    const { result, reports } = await run(app.url, {
      deadlineMs: 5_000,
      env: { HOOK_SAFETY_MARGIN_MS: '8000' },
    });
    expect(result.reason).toMatch(/^no time for the suite/);
    expect(reports.map((r) => r.body.status)).toEqual(['Failed']);
    expect(app.paths).toEqual([]);
  });

  it('is safe to run twice: the second report meets LifecycleEventAlreadyCompletedException and returns', async () => {
    const app = await startApp();
    const { handler, deploymentId, executionId, endpoint, log } = await run(app.url);
    const again = await handler(
      { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
      contextWithDeadline(30_000),
    );
    expect(again).toMatchObject({ status: 'Succeeded', report: 'already-completed' });
    expect(endpoint.hookStatuses.get(executionId)).toBe('Succeeded');
    expect(endpoint.requestsFor('PutLifecycleEventHookExecutionStatus')).toHaveLength(2);
    // the first report is logged as delivered, only the duplicate as already completed
    const said = log.lines.map((l) => [l.level, l.message.slice(0, 36)]);
    expect(
      said.filter(([, m]) => /Reported hook status|already had a status/.test(m ?? '')),
    ).toEqual([
      ['info', 'Reported hook status to CodeDeploy'],
      ['warn', 'CodeDeploy already had a status for '],
    ]);
  });

  it('rides out throttling of the report', async () => {
    const app = await startApp();
    const { endpoint, handler } = await localHook(app.url);
    endpoint.failNext(
      'PutLifecycleEventHookExecutionStatus',
      { errorType: 'ThrottlingException', message: 'Rate exceeded' },
      2,
    );
    const executionId = newExecutionId();
    const result = await handler(
      {
        DeploymentId: endpoint.addDeployment('a', 'b'),
        LifecycleEventHookExecutionId: executionId,
      },
      contextWithDeadline(30_000),
    );
    expect(result).toMatchObject({ status: 'Succeeded', report: 'reported' });
    expect(endpoint.requestsFor('PutLifecycleEventHookExecutionStatus')).toHaveLength(3);
    expect(endpoint.hookStatuses.get(executionId)).toBe('Succeeded');
  });

  it('a hook whose configuration is broken still rides out throttling of its Failed report', async () => {
    // the report client keeps the default attempts (5) even though the settings did not load
    const endpoint = await startCodeDeploy();
    await withLocalAws(endpoint.url);
    const handler = createHookHandler('AfterAllowTestTraffic', () => sampleAppSuite(), {
      env: { TEST_LISTENER_URL: 'ftp://nowhere' },
      log: captureLog(),
    });
    endpoint.failNext(
      'PutLifecycleEventHookExecutionStatus',
      { errorType: 'ThrottlingException', message: 'Rate exceeded' },
      3,
    );
    const executionId = newExecutionId();
    const result = await handler(
      {
        DeploymentId: endpoint.addDeployment('a', 'b'),
        LifecycleEventHookExecutionId: executionId,
      },
      contextWithDeadline(30_000),
    );
    expect(result).toMatchObject({ status: 'Failed', report: 'reported' });
    expect(result.reason).toMatch(/^Invalid configuration, fix it and redeploy\./);
    expect(endpoint.requestsFor('PutLifecycleEventHookExecutionStatus')).toHaveLength(4);
    expect(endpoint.hookStatuses.get(executionId)).toBe('Failed');
  });

  it('throws when reporting keeps failing, so Lambda can retry', async () => {
    const app = await startApp();
    const { endpoint, handler, log } = await localHook(app.url);
    endpoint.failNext(
      'PutLifecycleEventHookExecutionStatus',
      { errorType: 'InvalidDeploymentIdException', message: 'bad id' },
      1,
    );
    await expect(
      handler(
        { DeploymentId: 'd-X', LifecycleEventHookExecutionId: newExecutionId() },
        contextWithDeadline(30_000),
      ),
    ).rejects.toThrow(HookReportError);
    expect(log.lines.at(-1)?.message).toMatch(/^Reporting to CodeDeploy failed/);
  });

  it('throws, reporting nothing, when the event has no execution id', async () => {
    const { endpoint, handler } = await localHook('http://127.0.0.1:1');
    await expect(handler({ DeploymentId: 'd-1' }, contextWithDeadline(5_000))).rejects.toThrow(
      InvalidEventError,
    );
    expect(endpoint.requests).toHaveLength(0);
  });

  it('reports Failed without a deployment id when only that is missing', async () => {
    const app = await startApp();
    const { endpoint, handler } = await localHook(app.url);
    const executionId = newExecutionId();
    const result = await handler(
      { LifecycleEventHookExecutionId: executionId },
      contextWithDeadline(5_000),
    );
    expect(result.reason).toBe('DeploymentId is missing or empty in the hook event');
    expect(endpoint.requestsFor('PutLifecycleEventHookExecutionStatus').map((r) => r.body)).toEqual(
      [{ lifecycleEventHookExecutionId: executionId, status: 'Failed' }],
    );
  });
});

describe('lifecycle hook handler, odd contexts', () => {
  it('reports even when the remaining time is not a whole number of milliseconds', async () => {
    const app = await startApp();
    const { endpoint, handler } = await localHook(app.url);
    const deadline = performance.now() + 30_000.5;
    const result = await handler(
      {
        DeploymentId: endpoint.addDeployment('a', 'b'),
        LifecycleEventHookExecutionId: 'fractional',
      },
      { getRemainingTimeInMillis: () => deadline - performance.now() },
    );
    expect(result).toMatchObject({ status: 'Succeeded', report: 'reported' });
  });
});

describe('lifecycle hook handler in Lambda', () => {
  it('attaches the Lambda context to its log lines, and ignores stand-in contexts', async () => {
    const app = await startApp();
    const { endpoint, handler, log } = await localHook(app.url);
    const lambdaContext = {
      ...contextWithDeadline(10_000),
      functionName: 'CodeDeployHook_x',
      awsRequestId: 'req-1',
    };
    await handler(
      { DeploymentId: endpoint.addDeployment('a', 'b'), LifecycleEventHookExecutionId: 'ctx-1' },
      lambdaContext,
    );
    await handler(
      { DeploymentId: endpoint.addDeployment('a', 'b'), LifecycleEventHookExecutionId: 'ctx-2' },
      contextWithDeadline(10_000),
    );
    expect(log.contexts).toEqual([lambdaContext]);
  });
});
