/**
 * The escape hatch's decisions, alone: which suites turn it on, when a text carries a marker,
 * and which entry of a service map decides for a deployment.
 */
import { type CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { HookCatalog } from '../../../../src/controllers/codedeploy/hookCatalog';
import {
  catalogSkips,
  deploymentSkip,
  markerFound,
} from '../../../../src/controllers/codedeploy/skipMarker';
import { captureLog } from '../../../helpers/lambda';
import { suiteOf } from '../../../helpers/suites';

const checks = [{ name: 'home', path: '/' }];
const plain = suiteOf({ checks });
const skipping = suiteOf({ checks, skipSmoke: {} });
const custom = suiteOf({ checks, skipSmoke: { marker: 'NO-SMOKE' } });

const entry = (applicationName: string, suite: typeof plain) => ({
  applicationName,
  deploymentGroupName: 'dg',
  cluster: 'c',
  service: 's',
  suite,
});
const map = (...services: ReturnType<typeof entry>[]): HookCatalog => ({
  source: 'config/services.yaml',
  services,
});

describe('catalogSkips', () => {
  it('is on when the suite, or any suite of a map, sets skipSmoke', () => {
    expect(catalogSkips({ suite: plain })).toBe(false);
    expect(catalogSkips({ suite: skipping })).toBe(true);
    expect(catalogSkips(map(entry('a', plain), entry('b', plain)))).toBe(false);
    expect(catalogSkips(map(entry('a', plain), entry('b', skipping)))).toBe(true);
  });
});

describe('markerFound', () => {
  it("is the suite's marker when the text contains it", () => {
    expect(markerFound(skipping, 'hotfix [skip smoke]')).toBe('[skip smoke]');
    expect(markerFound(custom, 'release NO-SMOKE now')).toBe('NO-SMOKE');
  });

  it('is nothing when the text lacks it, is absent, or the suite has no escape hatch', () => {
    expect(markerFound(skipping, 'release 42')).toBeUndefined();
    expect(markerFound(skipping, undefined)).toBeUndefined();
    expect(markerFound(custom, '[skip smoke]')).toBeUndefined();
    expect(markerFound(undefined, '[skip smoke]')).toBeUndefined();
    // a suite without a marker matches nothing, not even the text "undefined"
    expect(markerFound(plain, 'fixes undefined behaviour [skip smoke]')).toBeUndefined();
  });
});

describe('deploymentSkip', () => {
  const client = (deploymentInfo: Record<string, unknown> | Error) => {
    const sent: unknown[] = [];
    const send = async (command: unknown, options: { abortSignal?: AbortSignal }) => {
      sent.push({ command, signal: options.abortSignal });
      if (deploymentInfo instanceof Error) throw deploymentInfo;
      return { deploymentInfo };
    };
    return { codeDeploy: { send } as unknown as CodeDeployClient, sent };
  };
  const signal = new AbortController().signal;

  it("reads the deployment with the invocation's signal and names the marker it found", async () => {
    const { codeDeploy, sent } = client({ description: 'hotfix [skip smoke]' });
    const why = await deploymentSkip(codeDeploy, { suite: skipping }, 'd-1', signal, captureLog());
    expect(why).toBe(
      `the deployment's description contains the suite's skip marker "[skip smoke]"`,
    );
    expect(sent).toHaveLength(1);
    const { command, signal: passed } = sent[0] as {
      command: GetDeploymentCommand;
      signal: AbortSignal;
    };
    expect(command).toBeInstanceOf(GetDeploymentCommand);
    expect(command.input).toEqual({ deploymentId: 'd-1' });
    expect(passed).toBe(signal);
  });

  it("uses the map entry of the deployment's own group", async () => {
    const catalog = map(entry('a', skipping), entry('b', plain));
    const marked = { deploymentGroupName: 'dg', description: '[skip smoke]' };
    const a = client({ ...marked, applicationName: 'a' });
    expect(await deploymentSkip(a.codeDeploy, catalog, 'd', signal, captureLog())).toMatch(
      /skip marker/,
    );
    const b = client({ ...marked, applicationName: 'b' });
    expect(await deploymentSkip(b.codeDeploy, catalog, 'd', signal, captureLog())).toBeUndefined();
  });

  it('skips nothing, and says so, when the deployment cannot be read or its group is not mapped', async () => {
    const log = captureLog();
    const denied = client(new Error('AccessDenied'));
    expect(
      await deploymentSkip(denied.codeDeploy, { suite: skipping }, 'd', signal, log),
    ).toBeUndefined();
    const unmapped = client({
      applicationName: 'z',
      deploymentGroupName: 'dg',
      description: '[skip smoke]',
    });
    expect(
      await deploymentSkip(unmapped.codeDeploy, map(entry('a', skipping)), 'd', signal, log),
    ).toBeUndefined();
    const noInfo = { send: async () => ({}) } as unknown as CodeDeployClient;
    expect(
      await deploymentSkip(noInfo, map(entry('a', skipping)), 'd', signal, log),
    ).toBeUndefined();
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(3);
  });
});
