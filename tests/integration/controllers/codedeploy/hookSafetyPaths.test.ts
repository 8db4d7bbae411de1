/**
 * The hook's safety paths, each through the real handler, the real SDK and a local CodeDeploy
 * endpoint: a failed gate or an unreadable secret reports Failed, a black-holed report connection
 * is retried within the margin, an undelivered verdict is re-reported rather than recomputed,
 * and the JSON log of a failing hook carries its keys, its error object and no credentials.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createHookHandler } from '../../../../src/controllers/codedeploy/createHookHandler';
import { closedPortUrl } from '../../../../src/local/sampleApp';
import type { Log } from '../../../../src/logging/logger';
import { CODEDEPLOY_OPERATIONS } from '../../../../src/packaging/awsCalls';
import { type SecretReader, sharedSecretReader } from '../../../../src/probe/secrets';
import type { Suite } from '../../../../src/suite/schema';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { localAwsEnv, startApp, startCodeDeploy } from '../../../helpers/localServers';
import { sampleAppSuite, suiteOf } from '../../../helpers/suites';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

let counter = 0;
const invoke = async (
  listenerUrl: string,
  suite: Suite,
  opts: { readSecret?: SecretReader; deadlineMs?: number } = {},
) => {
  const endpoint = await startCodeDeploy();
  Object.assign(process.env, localAwsEnv(endpoint.url));
  const deploymentId = endpoint.addDeployment('app', 'dg');
  const log = captureLog();
  const handler = createHookHandler('AfterAllowTestTraffic', () => suite, {
    env: { TEST_LISTENER_URL: listenerUrl, ROUTING_PROOF: 'false' },
    log,
    ...(opts.readSecret && { readSecret: opts.readSecret }),
  });
  const executionId = `exec-${++counter}`;
  const result = await handler(
    { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
    contextWithDeadline(opts.deadlineMs ?? 30_000),
  );
  return { endpoint, result, log, handler, executionId, deploymentId };
};

const reported = (endpoint: Awaited<ReturnType<typeof startCodeDeploy>>) =>
  endpoint.requestsFor('PutLifecycleEventHookExecutionStatus').map((r) => r.body.status);

describe('a hook never reports Succeeded when it could not judge green', () => {
  it('reports Failed when the readiness gate fails', async () => {
    const suite = suiteOf({
      readiness: { path: '/', budgetMs: 500, intervalMs: 50, timeoutMs: 200 },
      checks: [{ name: 'home', path: '/' }],
    });
    const { endpoint, result } = await invoke(await closedPortUrl(), suite);
    expect(result.reason).toMatch(/^readiness gate: GET \/ never gave a definite answer/);
    expect(reported(endpoint)).toEqual(['Failed']);
    // the hook called only operations it declares (the IAM simulator test proves exactly these)
    const received = endpoint.requests.map((r) => r.operation);
    expect(received.filter((op) => !CODEDEPLOY_OPERATIONS.hook.includes(op))).toEqual([]);
    expect(received).toContain('PutLifecycleEventHookExecutionStatus');
  });

  it('reports Failed when a secret cannot be read, naming the secret and the likely cause', async () => {
    const app = await startApp();
    const suite = suiteOf({
      checks: [{ name: 'home', path: '/', headers: { 'X-Key': { secret: { ssm: '/app/key' } } } }],
    });
    const denied = sharedSecretReader(async () => {
      const error = new Error('User is not authorized to perform: ssm:GetParameter');
      error.name = 'AccessDeniedException';
      throw error;
    });
    const { endpoint, result } = await invoke(app.url, suite, { readSecret: denied });
    expect(result.reason).toMatch(
      /^Cannot read SSM parameter \/app\/key for header X-Key: access denied .*needs ssm:GetParameter/,
    );
    expect(reported(endpoint)).toEqual(['Failed']);
    expect(app.paths).toEqual([]);
  });

  it('a secret read with no route gives up at the budget, naming the secret, and reports Failed', async () => {
    const app = await startApp();
    const suite = suiteOf({
      checks: [
        { name: 'a', path: '/', headers: { 'X-Key': { secret: { ssm: '/app/key' } } } },
        { name: 'b', path: '/health', headers: { 'X-Key': { secret: { ssm: '/app/key' } } } },
      ],
    });
    let reads = 0;
    const blackHole = sharedSecretReader(() => {
      reads++;
      return new Promise<string>(() => {}); // a VPC with no route to SSM: never answers
    });
    const started = Date.now();
    const { endpoint, result } = await invoke(app.url, suite, {
      readSecret: blackHole,
      deadlineMs: 12_000,
    });
    expect(Date.now() - started).toBeLessThan(6_000); // 12 s - 10 s margin = 2 s budget
    expect(result.reason).toMatch(
      /^Cannot read SSM parameter \/app\/key for header X-Key: no answer before the time budget ran out\. A function in a VPC needs a route to SSM/,
    );
    expect(reads).toBe(1); // one read for both checks
    expect(reported(endpoint)).toEqual(['Failed']);
  });
});

describe('reporting', () => {
  it('a black-holed report connection is abandoned and retried within the margin', async () => {
    const app = await startApp();
    const endpoint = await startCodeDeploy();
    Object.assign(process.env, localAwsEnv(endpoint.url));
    endpoint.stallNext('PutLifecycleEventHookExecutionStatus', 1);
    const handler = createHookHandler('AfterAllowTestTraffic', () => sampleAppSuite(), {
      env: { TEST_LISTENER_URL: app.url, ROUTING_PROOF: 'false' },
      log: captureLog(),
    });
    const context = contextWithDeadline(20_000);
    const result = await handler(
      { DeploymentId: endpoint.addDeployment('a', 'b'), LifecycleEventHookExecutionId: 'stall-1' },
      context,
    );
    expect(result.status).toBe('Succeeded');
    expect(endpoint.requestsFor('PutLifecycleEventHookExecutionStatus')).toHaveLength(2);
    expect(endpoint.hookStatuses.get('stall-1')).toBe('Succeeded');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(10_000 - 3_000);
  });

  it('an undelivered Failed is re-reported as Failed on retry, not recomputed', async () => {
    let healthy = false;
    const app = await startApp({ behaviour: 'broken' });
    const endpoint = await startCodeDeploy();
    Object.assign(process.env, localAwsEnv(endpoint.url), { AWS_MAX_ATTEMPTS: '1' });
    endpoint.failNext('PutLifecycleEventHookExecutionStatus', {
      errorType: 'InternalFailure',
      httpStatus: 500,
    });
    const handler = createHookHandler('AfterAllowTestTraffic', () => sampleAppSuite(), {
      env: { TEST_LISTENER_URL: app.url, ROUTING_PROOF: 'false', AWS_MAX_ATTEMPTS: '1' },
      log: captureLog(),
    });
    const event = {
      DeploymentId: endpoint.addDeployment('a', 'b'),
      LifecycleEventHookExecutionId: 'sticky-1',
    };
    await expect(handler(event, contextWithDeadline(30_000))).rejects.toThrow(
      /Could not report Failed/,
    );
    // green recovers before Lambda's retry: the verdict must not flip
    app.setBehaviour('healthy');
    healthy = true;
    const retry = await handler(event, contextWithDeadline(30_000));
    expect(healthy).toBe(true);
    expect(retry).toMatchObject({ status: 'Failed', remembered: true, report: 'reported' });
    expect(endpoint.hookStatuses.get('sticky-1')).toBe('Failed');
  });
});

describe('the JSON log of a failing hook', () => {
  it('carries deploymentId and hook on every line, the error as an object, and no credentials', async () => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const writes = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    const app = await startApp({ behaviour: 'broken' });
    const endpoint = await startCodeDeploy();
    Object.assign(process.env, localAwsEnv(endpoint.url), {
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_DEV: 'false',
    });
    endpoint.failNext(
      'PutLifecycleEventHookExecutionStatus',
      { errorType: 'AccessDeniedException', message: 'not allowed' },
      10,
    );
    let json: Array<Record<string, unknown>> = [];
    try {
      const handler = createHookHandler(
        'AfterAllowTestTraffic',
        () =>
          suiteOf({
            checks: [{ name: 'home', path: '/', headers: { Authorization: 'Bearer hunter2' } }],
          }),
        {
          env: { TEST_LISTENER_URL: app.url, ROUTING_PROOF: 'false', AWS_MAX_ATTEMPTS: '1' },
          log: new Logger({ serviceName: 'test' }) as unknown as Log,
        },
      );
      const event = {
        DeploymentId: endpoint.addDeployment('a', 'b'),
        LifecycleEventHookExecutionId: 'log-1',
      };
      await expect(handler(event, contextWithDeadline(20_000))).rejects.toThrow();
    } finally {
      for (const w of writes) w.mockRestore();
      json = lines
        .flatMap((l) => l.split('\n'))
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
    }
    expect(json.map((l) => l.message)).toEqual([
      'Smoke check',
      'Hook verdict',
      'Reporting to CodeDeploy failed; throwing so Lambda retries the invocation',
    ]);
    for (const line of json) {
      expect(line).toMatchObject({
        deploymentId: expect.stringMatching(/^d-/),
        hook: 'AfterAllowTestTraffic',
      });
    }
    expect(json[0]).toMatchObject({ requestHeaders: { Authorization: '[redacted]' } });
    expect(JSON.stringify(json)).not.toContain('hunter2');
    expect(json[2]?.error).toMatchObject({
      name: 'HookReportError',
      message: expect.stringContaining('AccessDeniedException'),
      stack: expect.any(String),
      cause: {
        name: 'AccessDeniedException',
        $metadata: expect.objectContaining({ httpStatusCode: 400 }),
      },
    });
  });
});
