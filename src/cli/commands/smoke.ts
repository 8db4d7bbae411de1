/** `smoke`: the stage's suite against any URL, with exactly the engine the hook Lambdas use. */
import { writeFileSync } from 'node:fs';
import { runSmokeSuite, type SuiteResult } from '../../smoke/runSmokeSuite';
import type { HookName } from '../../smoke/schema';
import { EXIT, UsageError } from '../errors';
import { renderJunit } from '../junit';
import { findProjectRoot, loadStageSuite } from '../project';
import { formatTable, type Terminal } from '../terminal';

export interface SmokeOptions {
  readonly url: string;
  readonly hook: HookName;
  readonly stage: string;
  readonly suite?: string;
  readonly json?: boolean;
  readonly junit?: string;
  readonly timeout: number;
}

const parseUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url is not a valid URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be http:// or https://, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

export const printSuiteResult = (term: Terminal, result: SuiteResult): void => {
  const verdictStyle = (passed: boolean) => (passed ? 'green' : 'red');
  const rows = [
    ['CHECK', 'RESULT', 'STATUS', 'LATENCY', 'REASON'],
    ...result.checks.map((c) => [
      `${c.name} (${c.method} ${c.path})`,
      c.passed ? 'pass' : c.skipped ? 'skip' : 'FAIL',
      c.statusCode === undefined ? '-' : String(c.statusCode),
      c.latencyMs === undefined ? '-' : `${Math.round(c.latencyMs)} ms`,
      c.reason ?? '',
    ]),
  ];
  const lines = formatTable(rows);
  term.line(term.paint('bold', lines[0] ?? ''));
  lines.slice(1).forEach((line, i) => {
    const passed = result.checks[i]?.passed ?? false;
    const check = result.checks[i];
    term.line(passed ? line : term.paint(check?.skipped ? 'yellow' : 'red', line));
  });
  const verdict = `${result.verdict} in ${Math.round(result.durationMs)} ms${result.reason ? `: ${result.reason}` : ''}`;
  term.line(term.paint(verdictStyle(result.verdict === 'Succeeded'), verdict));
};

export const runSmokeCommand = async (options: SmokeOptions, term: Terminal): Promise<number> => {
  const baseUrl = parseUrl(options.url);
  const suite = loadStageSuite(findProjectRoot(), options.stage, options.suite);
  if (!options.json)
    term.line(`Running suite "${suite.name}" (${options.hook}) against ${baseUrl}`);
  const result = await runSmokeSuite({
    suite,
    hook: options.hook,
    baseUrl,
    budget: AbortSignal.timeout(options.timeout),
    onProgress: (event) => {
      if (options.json) return;
      if (event.type === 'readiness-attempt') {
        term.progress(
          `waiting for ${suite.readiness?.path} to answer (attempt ${event.attempt}: ${event.outcome})`,
        );
      }
    },
  });
  if (options.junit) writeFileSync(options.junit, renderJunit(result));
  if (options.json) term.line(JSON.stringify(result, null, 2));
  else printSuiteResult(term, result);
  return result.verdict === 'Succeeded' ? EXIT.ok : EXIT.failed;
};
