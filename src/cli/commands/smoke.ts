/** `smoke`: the stage's suite against any URL, with exactly the engine the hook Lambdas use. */
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { maskUrl, parseBaseUrl } from '../../smoke/baseUrl';
import { runSmokeSuite, type SuiteResult } from '../../smoke/runSmokeSuite';
import type { HookName } from '../../smoke/schema';
import { deadline } from '../../time/deadline';
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
  const parsed = parseBaseUrl(raw, '--url');
  if (!parsed.ok) throw new UsageError(parsed.problem);
  return parsed.url;
};

/** Fails before the suite runs when the report could not be written afterwards. */
const checkWritable = (file: string): void => {
  try {
    closeSync(openSync(file, 'a'));
  } catch (error) {
    throw new UsageError(
      `--junit ${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); the suite was not run`,
    );
  }
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

export const runSmokeCommand = async (
  options: SmokeOptions,
  term: Terminal,
  interrupt?: AbortSignal,
): Promise<number> => {
  const baseUrl = parseUrl(options.url);
  const suite = loadStageSuite(findProjectRoot(), options.stage, options.suite);
  if (options.junit) checkWritable(options.junit);
  if (!options.json)
    term.line(`Running suite "${suite.name}" (${options.hook}) against ${maskUrl(baseUrl)}`);
  const budget = deadline(options.timeout, interrupt);
  const result = await runSmokeSuite({
    suite,
    hook: options.hook,
    baseUrl,
    budget: budget.signal,
    onProgress: (event) => {
      if (options.json) return;
      if (event.type === 'readiness-attempt') {
        term.progress(
          `waiting for ${suite.readiness?.path} to answer (attempt ${event.attempt}: ${event.outcome})`,
        );
      }
    },
  });
  budget.dispose();
  const shown = { ...result, baseUrl: maskUrl(result.baseUrl) };
  // The verdict is printed first and always, even if the report file then cannot be written.
  if (options.json) term.line(JSON.stringify(shown, null, 2));
  else printSuiteResult(term, shown);
  if (interrupt?.aborted) term.line('interrupted');
  if (options.junit) {
    try {
      writeFileSync(options.junit, renderJunit(shown));
    } catch (error) {
      process.stderr.write(`error: could not write --junit ${options.junit}: ${String(error)}\n`);
      return EXIT.usage;
    }
  }
  return result.verdict === 'Succeeded' ? EXIT.ok : EXIT.failed;
};
