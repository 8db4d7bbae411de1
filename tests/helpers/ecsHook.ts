/**
 * The ECS lifecycle hook against a loopback deployment: the real handler and the real SDK, and
 * events shaped the way ECS sends them. Call `stopEcsWorlds` after each test.
 */
import {
  createEcsHookHandler,
  type EcsHookHandlerOptions,
  type EcsHookResponse,
} from '../../src/controllers/ecs/createEcsHookHandler';
import { LoopbackDeployment } from '../../src/local/loopbackDeployment';
import { captureLog, contextWithDeadline } from './lambda';
import { suiteOf, type TestSuiteInput } from './suites';

const saved = { ...process.env };
const running: LoopbackDeployment[] = [];

export const stopEcsWorlds = async (): Promise<void> => {
  process.env = { ...saved };
  await Promise.all(running.splice(0).map((w) => w.stop()));
};

let counter = 0;

export const startEcsHookWorld = async (
  suite: TestSuiteInput,
  worldOptions: Parameters<typeof LoopbackDeployment.start>[0] = {},
  env: Record<string, string> = {},
  functionTimeoutMs = 15_000,
  handlerOptions: Omit<EcsHookHandlerOptions, 'env' | 'log'> = {},
) => {
  const world = await LoopbackDeployment.start(worldOptions);
  running.push(world);
  Object.assign(process.env, world.awsEnv());
  const log = captureLog();
  const handler = createEcsHookHandler(() => suiteOf(suite), { env, log, ...handlerOptions });
  const deployment = world.world.startServiceDeployment();
  const event = (stage: string, extra: Record<string, unknown> = {}) => ({
    executionId: `exec-${++counter}`,
    lifecycleStage: stage,
    resourceArn: deployment.arn,
    executionDetails: {
      serviceArn: world.world.serviceArn,
      targetServiceRevisionArn: world.world.greenRevisionArn,
      testTrafficWeights: {},
      productionTrafficWeights: {},
    },
    ...extra,
  });
  const invoke = (e: unknown): Promise<EcsHookResponse> =>
    handler(e, contextWithDeadline(functionTimeoutMs));
  /**
   * Invokes a stage the way ECS does: again after each IN_PROGRESS's callBackDelay, with the
   * returned hookDetails merged into the next event's. Returns every answer.
   */
  const invokeUntilDone = async (
    stage: string,
    hookDetails: Record<string, unknown> = {},
    options: {
      maxInvocations?: number;
      between?: (i: number) => void;
      /** The world's clock runs this many times faster than real time (scaledClock). */
      timeScale?: number;
      /** The next invocation's event, from the stage's (its weights, say). */
      shape?: (e: ReturnType<typeof event>) => ReturnType<typeof event>;
    } = {},
  ) => {
    const responses: EcsHookResponse[] = [];
    let details = hookDetails;
    for (let i = 0; i < (options.maxInvocations ?? 20); i++) {
      const e = event(stage, { hookDetails: details });
      const response = await invoke(options.shape ? options.shape(e) : e);
      responses.push(response);
      if (response.hookStatus !== 'IN_PROGRESS') break;
      details = { ...details, ...response.hookDetails };
      await new Promise((r) =>
        setTimeout(r, ((response.callBackDelay ?? 30) * 1000) / (options.timeScale ?? 1)),
      );
      options.between?.(i);
    }
    return { responses, hookDetails: details };
  };
  return { world, invoke, invokeUntilDone, event, log, deployment };
};
