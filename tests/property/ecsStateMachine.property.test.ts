/**
 * The ECS hook's multi-invocation state machine against a small reference model, with
 * fast-check: random sequences of stages, traffic steps (rollback included), hookDetails
 * (carried as ECS merges them, absent, static, foreign, stale, future, truncated), time jumps
 * across callbacks, and green behaviours (healthy, broken, failing only on sampled paths, still
 * starting, hanging, a discovery that ignores its abort signal). The real handler and a real
 * green app on loopback; only discovery is a stand-in (the routing proof has its own tests).
 *
 * Invariants, for every invocation:
 * - it never throws, and the status is SUCCEEDED, FAILED or IN_PROGRESS;
 * - SUCCEEDED only when the model says every selected item was judged and passed in this
 *   deployment, stage and step: something is selected, green answered well in this invocation
 *   and was reached by a request in it, and a watch stage's chain of invocations (carried state
 *   only) lasted at least the window, green healthy throughout;
 * - a rollback re-invocation answers SUCCEEDED within 1 s, sending nothing;
 * - an answer always comes before the Lambda deadline.
 * Failing seeds found so far are replayed first, as regression cases.
 */
import fc from 'fast-check';
import {
  createEcsHookHandler,
  type EcsHookResponse,
} from '../../src/controllers/ecs/createEcsHookHandler';
import { STATE_KEY } from '../../src/controllers/ecs/stepState';
import { silentLog } from '../../src/logging/logger';
import { NO_FACTS } from '../../src/suite/facts';
import {
  GREEN_BEHAVIOURS,
  PROPERTY_SUITE_BASE,
  type ScriptedBehaviour,
  ScriptedGreen,
} from '../helpers/scriptedGreen';
import { suiteOf } from '../helpers/suites';

jest.setTimeout(600_000);

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1_000);
const FUNCTION_TIMEOUT_MS = 1_700;
const WINDOW_MS = 300;

const suite = suiteOf({
  ...PROPERTY_SUITE_BASE,
  readiness: { path: '/', intervalMs: 20, timeoutMs: 150 },
  ecs: {
    callBackDelaySeconds: 1,
    overallBudgetMs: 60_000,
    watchSliceMs: 150,
    watchCallBackDelaySeconds: 1,
  },
  watch: {
    paths: ['/'],
    ratePerSecond: 5,
    windowMs: WINDOW_MS,
    timeoutMs: 150,
    expect: { maxConsecutiveFailures: 1 },
  },
  hooks: {
    AfterAllowTestTraffic: ['home', 'load'],
    BeforeAllowTraffic: ['home'],
    AfterAllowTraffic: ['home'],
    PRODUCTION_TRAFFIC_SHIFT: ['home'],
  },
});

/** The model's own table of what each stage selects (independent of the schema's code). */
const MODEL_SELECTS: Readonly<Record<string, boolean>> = {
  PRE_SCALE_UP: false,
  TEST_TRAFFIC_SHIFT: false,
  POST_TEST_TRAFFIC_SHIFT: true,
  PRE_PRODUCTION_TRAFFIC_SHIFT: true,
  PRODUCTION_TRAFFIC_SHIFT: true,
  POST_PRODUCTION_TRAFFIC_SHIFT: true,
};
const WATCH_STAGE = 'POST_PRODUCTION_TRAFFIC_SHIFT';
/** Stages whose selection requests the sampled path (green may fail only there). */
const MODEL_PROBES_SAMPLED: Readonly<Record<string, boolean>> = { POST_TEST_TRAFFIC_SHIFT: true };
const STAGES = Object.keys(MODEL_SELECTS);

const DETAILS_MODES = [
  'carry',
  'absent',
  'static',
  'foreign',
  'stale',
  'future',
  'truncated',
] as const;
type DetailsMode = (typeof DETAILS_MODES)[number];

interface Invocation {
  /** Continue the previous stage and step, or move to another. */
  readonly next: boolean;
  readonly stage: string;
  readonly production?: number;
  readonly test?: number;
  readonly details: DetailsMode;
  readonly jumpMs: number;
  readonly behaviour: ScriptedBehaviour | 'discovery-ignores-abort';
}

const invocation: fc.Arbitrary<Invocation> = fc.record(
  {
    next: fc.boolean(),
    stage: fc.constantFrom(...STAGES),
    production: fc.constantFrom(0, 10, 50, 100),
    test: fc.constantFrom(0, 100),
    details: fc.oneof(
      { weight: 6, arbitrary: fc.constant<DetailsMode>('carry') },
      { weight: 1, arbitrary: fc.constantFrom(...DETAILS_MODES) },
    ),
    jumpMs: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * 3_600_000 }) },
    ),
    behaviour: fc.oneof(
      { weight: 8, arbitrary: fc.constant<Invocation['behaviour']>('healthy') },
      { weight: 4, arbitrary: fc.constantFrom<Invocation['behaviour']>(...GREEN_BEHAVIOURS) },
      { weight: 1, arbitrary: fc.constant<Invocation['behaviour']>('discovery-ignores-abort') },
    ),
  },
  { requiredKeys: ['next', 'stage', 'details', 'jumpMs', 'behaviour'] },
);

const DEPLOYMENT = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/now';
const OTHER = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/before';
const GREEN_REVISION = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/s/42';

/** A finished watch state, for injections: whatever its binding, it must never shorten work. */
const finishedState = (deployment: string, stage: string, step: string, at: number) => ({
  deployment,
  stage,
  step,
  since: new Date(at).toISOString(),
  checksPassed: ['home', 'load'],
  watch: {
    startedAt: new Date(at).toISOString(),
    samples: 100,
    errors: 0,
    consecutive: 0,
    recent: '1',
    coveredMs: 10 * WINDOW_MS,
    longestGapMs: 0,
  },
});

let green: ScriptedGreen;
beforeAll(async () => {
  green = new ScriptedGreen();
  await green.start();
});
afterAll(() => green.stop());

const runSequence = async (sequence: readonly Invocation[]): Promise<void> => {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  let ignoreAbort = false;
  const handler = createEcsHookHandler(() => suite, {
    log: silentLog,
    now,
    graceMs: 100,
    discovery: async () => {
      if (ignoreAbort) return new Promise(() => {});
      return { baseUrl: green.url, productionUrl: green.url, facts: NO_FACTS };
    },
    readSecret: async () => {
      throw new Error('no secrets in this suite');
    },
  });
  let previous: { stage: string; production?: number; test?: number } | undefined;
  let carried: Record<string, unknown> = {};
  // The model's chain: the invocations since the step's state last started over (another
  // step, hookDetails not carried as ECS carries them, or a final answer before), and what green
  // showed in them once it first answered well (the checks' start: readiness may wait before).
  type Chain = { healthySeen: boolean; msSinceHealthy: number; tainted: boolean };
  const fresh = (): Chain => ({ healthySeen: false, msSinceHealthy: 0, tainted: false });
  let chain = fresh();
  let lastTerminal = true;
  for (const inv of sequence) {
    const step =
      inv.next || !previous
        ? { stage: inv.stage, production: inv.production, test: inv.test }
        : previous;
    const sameStep =
      previous !== undefined &&
      previous.stage === step.stage &&
      previous.production === step.production &&
      previous.test === step.test;
    offset += inv.jumpMs;
    const at = Date.now() + offset;
    const stepKey = `test=${step.test ?? '-'},production=${step.production ?? '-'}`;
    const continues = inv.details === 'carry' && sameStep && !lastTerminal;
    let hookDetails: Record<string, unknown> | undefined;
    switch (inv.details) {
      case 'carry':
        hookDetails = continues ? carried : undefined;
        break;
      case 'absent':
        hookDetails = undefined;
        break;
      case 'static':
        // a hook definition's static hookDetails: the same on every invocation, written before
        // any deployment existed
        hookDetails = {
          [STATE_KEY]: finishedState('arn:static', step.stage, stepKey, at - 60_000),
        };
        break;
      case 'foreign':
        hookDetails = { [STATE_KEY]: finishedState(OTHER, step.stage, stepKey, at - 60_000) };
        break;
      case 'stale':
        hookDetails = {
          [STATE_KEY]: finishedState(DEPLOYMENT, step.stage, stepKey, at - 6 * 3_600_000),
        };
        break;
      case 'future':
        hookDetails = {
          [STATE_KEY]: finishedState(DEPLOYMENT, step.stage, stepKey, at + 3_600_000),
        };
        break;
      case 'truncated':
        hookDetails = { [STATE_KEY]: { deployment: DEPLOYMENT, stage: step.stage } };
        break;
    }
    if (!continues) chain = fresh();
    ignoreAbort = inv.behaviour === 'discovery-ignores-abort';
    green.behaviour = inv.behaviour === 'discovery-ignores-abort' ? 'healthy' : inv.behaviour;
    const requestsBefore = green.requests;
    const event = {
      executionId: `x-${Math.random()}`,
      lifecycleStage: step.stage,
      resourceArn: DEPLOYMENT,
      executionDetails: {
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/c/s',
        targetServiceRevisionArn: GREEN_REVISION,
        ...(step.test !== undefined && {
          testTrafficWeights: { [GREEN_REVISION]: step.test, blue: 100 - step.test },
        }),
        ...(step.production !== undefined && {
          productionTrafficWeights: {
            [GREEN_REVISION]: step.production,
            blue: 100 - step.production,
          },
        }),
      },
      ...(hookDetails && { hookDetails }),
    };
    const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
    const started = performance.now();
    let response: EcsHookResponse;
    try {
      response = await handler(event, {
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      });
    } catch (error) {
      throw new Error(`the handler threw: ${String(error)}`);
    }
    const elapsed = performance.now() - started;
    const reached = green.requests - requestsBefore;
    // What green showed to this stage's requests: /sampled fails only where a stage probes it.
    const healthy =
      inv.behaviour === 'healthy' ||
      (inv.behaviour === 'fails-sampled' && !MODEL_PROBES_SAMPLED[step.stage]);
    if (healthy && !ignoreAbort) chain.healthySeen = true;
    if (chain.healthySeen) {
      chain.msSinceHealthy += elapsed;
      if (!healthy && reached > 0) chain.tainted = true;
    }
    const where = `${step.stage} ${stepKey} ${inv.details} ${inv.behaviour}`;
    if (!['SUCCEEDED', 'FAILED', 'IN_PROGRESS'].includes(response.hookStatus)) {
      throw new Error(`invalid status ${String(response.hookStatus)} at ${where}`);
    }
    if (elapsed > FUNCTION_TIMEOUT_MS) {
      throw new Error(`answered after the deadline (${Math.round(elapsed)} ms) at ${where}`);
    }
    const rollback =
      (step.stage === 'TEST_TRAFFIC_SHIFT' && step.test === 0) ||
      (step.stage === 'PRODUCTION_TRAFFIC_SHIFT' && step.production === 0);
    if (rollback) {
      if (response.hookStatus !== 'SUCCEEDED' || elapsed >= 1_000 || reached > 0) {
        throw new Error(
          `rollback re-invocation answered ${response.hookStatus} in ${Math.round(elapsed)} ms with ${reached} requests at ${where}`,
        );
      }
    } else if (response.hookStatus === 'SUCCEEDED') {
      const earned =
        MODEL_SELECTS[step.stage] === true &&
        healthy &&
        !ignoreAbort &&
        reached > 0 &&
        !chain.tainted &&
        (step.stage !== WATCH_STAGE || chain.msSinceHealthy >= WINDOW_MS);
      if (!earned) {
        throw new Error(
          `SUCCEEDED unearned at ${where}: ${reached} requests reached green in this invocation; chain ${JSON.stringify(chain)}`,
        );
      }
    } else if (MODEL_SELECTS[step.stage] === false && response.hookStatus !== 'FAILED') {
      throw new Error(`a stage that selects nothing answered ${response.hookStatus} at ${where}`);
    }
    lastTerminal = response.hookStatus !== 'IN_PROGRESS';
    carried = { ...(continues ? carried : {}), ...(response.hookDetails ?? {}) };
    previous = step;
  }
};

/**
 * Counterexamples fast-check found, replayed on every run. The first: a watch slice too short
 * for one request at the watch's rate was credited its whole length at once, so two such slices
 * "covered" the window in milliseconds and the stage passed (fixed: a slice lasts its length).
 */
const REGRESSIONS: Invocation[][] = [
  [
    {
      next: false,
      stage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
      production: 100,
      test: 100,
      details: 'carry',
      jumpMs: 1599,
      behaviour: 'starting',
    },
    {
      next: true,
      stage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
      production: 10,
      test: 100,
      details: 'carry',
      jumpMs: 1374,
      behaviour: 'starting',
    },
    {
      next: false,
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      test: 100,
      details: 'carry',
      jumpMs: 268,
      behaviour: 'healthy',
    },
  ],
];

describe('ECS hook state machine (property)', () => {
  it(`never throws, answers a valid status in time, and passes only on evidence (${RUNS} sequences)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(invocation, { minLength: 1, maxLength: 6 }), runSequence),
      { numRuns: RUNS, endOnFailure: true, examples: REGRESSIONS.map((r): [Invocation[]] => [r]) },
    );
  });
});
