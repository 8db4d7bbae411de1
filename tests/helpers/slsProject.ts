/**
 * Runs the real `sls package` (osls) on a throw-away copy of the project, so tests can change
 * suites or params without touching the working tree, and reads what it produced.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PROJECT_ROOT = join(__dirname, '..', '..');
const COPIED = [
  'serverless.yml',
  'resources',
  'package.json',
  'tsconfig.json',
  'build',
  'handlers',
  'src',
  'config',
  'types',
];

export const copyProject = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'bgh-sls-'));
  for (const entry of COPIED)
    cpSync(join(PROJECT_ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
};

export interface PackageResult {
  readonly ok: boolean;
  readonly output: string;
  readonly template: CloudFormationTemplate | undefined;
}

export interface CloudFormationTemplate {
  readonly Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

/** `sls package --stage <stage>` with no AWS credentials at all. */
export const slsPackage = async (dir: string, args: string[]): Promise<PackageResult> => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(dir, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', ...args],
      { cwd: dir, env, timeout: 120_000 },
    );
    const template = JSON.parse(
      readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as CloudFormationTemplate;
    return { ok: true, output: stdout + stderr, template };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return {
      ok: false,
      output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`,
      template: undefined,
    };
  }
};

/** Extracts a packaged function's zip (python3's zipfile: no unzip binary needed). */
export const extractArtifact = async (dir: string, functionKey: string): Promise<string> => {
  const out = join(dir, 'artifacts', functionKey);
  await run('python3', [
    '-m',
    'zipfile',
    '-e',
    join(dir, '.serverless', `${functionKey}.zip`),
    out,
  ]);
  return out;
};

const RESULT_MARK = '@@answer ';

/**
 * Invokes a packaged handler in its own Node process, as Lambda would: plain Node module loading
 * (jest's sandbox cannot run the bundle's import() of the runtime SDK's clients), with `env`
 * and a deadline `timeoutMs` away. The loopback servers stay in this process.
 */
export const invokePackaged = async (
  bundle: string,
  event: unknown,
  timeoutMs: number,
  env: Record<string, string>,
  /** Receives the EMF lines the function wrote to stdout (its metrics). */
  emf?: string[],
): Promise<Record<string, unknown>> => {
  // The answer gets a line of its own: the function's EMF metrics share stdout with it.
  const script = `
    const deadline = Date.now() + ${timeoutMs};
    const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    const answer = (r) => process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify(r) + '\\n');
    require(${JSON.stringify(bundle)}).handler(${JSON.stringify(event)}, context).then(
      answer,
      (e) => answer({ thrown: e.constructor.name, message: e.message }),
    );`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    env: { ...process.env, ...env },
    timeout: timeoutMs + 10_000,
  });
  const lines = stdout.split('\n');
  emf?.push(...lines.filter((l) => l.includes('"_aws"')));
  const result = lines.find((l) => l.startsWith(RESULT_MARK));
  if (!result) throw new Error(`the handler gave no answer; stdout:\n${stdout}`);
  return JSON.parse(result.slice(RESULT_MARK.length));
};
