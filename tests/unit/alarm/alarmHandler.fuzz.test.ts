/**
 * Generated payloads through the real alarm handler (the SDK client mocked): random values and
 * real-shaped alarms with random mutations. A stop is requested exactly when an independent,
 * hand-written oracle says the payload holds a valid ALARM; nothing else ever stops anything.
 */
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { createAlarmHandler } from '../../../src/alarm/createAlarmHandler';
import { silentLog } from '../../../src/logging/logger';
import { alarmActionEvent, eventBridgeEvent, snsEvent } from '../../helpers/alarmEvents';

const STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown) => v === undefined || typeof v === 'string';
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
const optState = (v: unknown) => v === undefined || STATES.includes(v as string);

/** The oracle: written by hand from AWS's documented shapes, independent of the zod schemas. */
const holdsValidAlarm = (p: unknown): boolean => {
  if (!isObj(p)) return false;
  if ('Records' in p) {
    return (
      Array.isArray(p.Records) &&
      p.Records.some((r) => {
        if (
          !isObj(r) ||
          r.EventSource !== 'aws:sns' ||
          !isObj(r.Sns) ||
          typeof r.Sns.Message !== 'string'
        )
          return false;
        let m: unknown;
        try {
          m = JSON.parse(r.Sns.Message);
        } catch {
          return false;
        }
        return (
          isObj(m) &&
          nonEmpty(m.AlarmName) &&
          m.NewStateValue === 'ALARM' &&
          optState(m.OldStateValue) &&
          optString(m.AlarmArn) &&
          optString(m.NewStateReason) &&
          optString(m.StateChangeTime)
        );
      })
    );
  }
  const detailOk = (d: unknown) =>
    isObj(d) &&
    nonEmpty(d.alarmName) &&
    isObj(d.state) &&
    d.state.value === 'ALARM' &&
    optString(d.state.reason) &&
    optString(d.state.timestamp) &&
    (d.previousState === undefined ||
      (isObj(d.previousState) && STATES.includes(d.previousState.value as string)));
  if ('detail-type' in p) {
    return (
      p.source === 'aws.cloudwatch' &&
      p['detail-type'] === 'CloudWatch Alarm State Change' &&
      optString(p.time) &&
      (p.resources === undefined ||
        (Array.isArray(p.resources) && p.resources.every((x) => typeof x === 'string'))) &&
      detailOk(p.detail)
    );
  }
  if ('alarmData' in p)
    return (
      p.source === 'aws.cloudwatch' &&
      nonEmpty(p.alarmArn) &&
      optString(p.time) &&
      detailOk(p.alarmData)
    );
  return false;
};

/** Every [path] to a value inside a JSON-like value; SNS messages are mutated as parsed JSON. */
const paths = (v: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
  if (Array.isArray(v)) return [prefix, ...v.flatMap((x, i) => paths(x, [...prefix, i]))];
  if (isObj(v)) return [prefix, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))];
  return [prefix];
};

const mutate = (
  base: unknown,
  pick: number,
  kind: 'delete' | 'replace',
  replacement: unknown,
): unknown => {
  const copy = structuredClone(base) as Obj;
  // Work on the SNS message as an object, so mutations reach the alarm fields inside it.
  const records = isObj(copy) && Array.isArray(copy.Records) ? (copy.Records as Obj[]) : [];
  for (const r of records)
    if (isObj(r) && isObj(r.Sns) && typeof r.Sns.Message === 'string')
      r.Sns.Message = JSON.parse(r.Sns.Message);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[pick % all.length] as (string | number)[];
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Obj)[k as string], copy) as Obj;
  const key = path.at(-1) as string;
  if (kind === 'delete' && !Array.isArray(parent)) delete parent[key];
  else parent[key] = replacement;
  for (const r of records)
    if (isObj(r) && isObj(r.Sns) && isObj(r.Sns.Message))
      r.Sns.Message = JSON.stringify(r.Sns.Message);
  return copy;
};

const codeDeploy = new CodeDeployClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const mock = mockClient(codeDeploy);
const handler = createAlarmHandler({
  env: { CODEDEPLOY_APPLICATION_NAME: 'app', CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg' },
  log: silentLog,
  codeDeploy,
});

beforeEach(() => {
  mock.reset();
  mock.on(ListDeploymentsCommand).resolves({ deployments: ['d-ACTIVE001'] });
  mock
    .on(BatchGetDeploymentsCommand)
    .resolves({ deploymentsInfo: [{ deploymentId: 'd-ACTIVE001', creator: 'user' }] });
  mock.on(StopDeploymentCommand).resolves({ status: 'Succeeded' });
});

const stopsRequested = async (payload: unknown): Promise<number> => {
  mock.resetHistory();
  await handler(payload);
  return mock.commandCalls(StopDeploymentCommand).length;
};

const state = fc.oneof(fc.constantFrom('ALARM', 'OK', 'INSUFFICIENT_DATA'), fc.string());
const fixture = fc
  .tuple(
    fc.constantFrom(snsEvent, eventBridgeEvent, alarmActionEvent),
    state,
    state,
    fc.string({ minLength: 0, maxLength: 12 }),
  )
  .map(([make, newState, oldState, alarmName]) => make({ newState, oldState, alarmName }));

describe('alarm handler under generated payloads', () => {
  it('stops nothing for arbitrary values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (payload) => {
        expect(await stopsRequested(payload)).toBe(holdsValidAlarm(payload) ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('stops exactly when a real-shaped, randomly mutated payload is still a valid ALARM', async () => {
    let stopped = 0;
    await fc.assert(
      fc.asyncProperty(
        fixture,
        fc.nat(),
        fc.constantFrom<'delete' | 'replace'>('delete', 'replace'),
        fc.oneof(fc.anything(), fc.constantFrom('ALARM', 'aws.cloudwatch', 'aws:sns', '')),
        fc.boolean(),
        async (base, pick, kind, replacement, mutateIt) => {
          const payload = mutateIt ? mutate(base, pick, kind, replacement) : base;
          const stops = await stopsRequested(payload);
          expect(stops).toBe(holdsValidAlarm(payload) ? 1 : 0);
          stopped += stops;
        },
      ),
      { numRuns: 3000 },
    );
    // the generator does produce valid ALARMs, so the property is not vacuous
    expect(stopped).toBeGreaterThan(100);
  });
});
