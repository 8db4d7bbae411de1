/**
 * A fresh loopback deployment for each test of the file, its AWS endpoints in process.env so the
 * real SDK reaches them, and everything restored after. Returns the current test's world.
 */
import { LoopbackDeployment } from '../../src/local/loopbackDeployment';

export const loopbackWorldPerTest = (
  setUp: (world: LoopbackDeployment) => void = (world) => world.route('test', 'green'),
): (() => LoopbackDeployment) => {
  const saved = { ...process.env };
  let current: LoopbackDeployment | undefined;
  beforeEach(async () => {
    current = await LoopbackDeployment.start();
    Object.assign(process.env, current.awsEnv());
    setUp(current);
  });
  afterEach(async () => {
    process.env = { ...saved };
    await current?.stop();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the loopback world exists only inside a test');
    return current;
  };
};
