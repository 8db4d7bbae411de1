/** `smoke`: the stage's suite against any URL, with exactly the engine the hook Lambdas use. */

import { closeSync, openSync, writeFileSync } from 'node:fs';
import { createDiscoveryClients } from '../../aws/codeDeployClients';
import { awsSecretReader } from '../../aws/secretReader';
import { ENV_DEFAULTS } from '../../config/env';
import { createGreenDiscovery } from '../../discovery/discoverGreen';
import { awsAlarmReader } from '../../discovery/readAlarmStates';
import { runSmokeSuite, type SuiteResult } from '../../engine/runSmokeSuite';
import { DiscoveryError } from '../../errors';
import { maskUrl, parseBaseUrl } from '../../probe/baseUrl';
import { type Facts, NO_FACTS } from '../../suite/facts';
import type { HookName } from '../../suite/schema';
import { deadline } from '../../time/deadline';
import { numbersOf } from '../comparisonTable';
import { EXIT, UsageError } from '../errors';
import { renderJunit } from '../junit';
import { findProjectRoot, loadStageSuite } from '../project';
import { formatTable, type Terminal } from '../terminal';

export interface SmokeOptions {
  /** Base URL; with `deployment`, an override of the discovered one. */
  readonly url?: string;
  /** Run as the hook would for this CodeDeploy deployment: discovery, routing proof, facts. */
  readonly deployment?: string;
  /** Skip the routing proof (with --deployment). */
  readonly routingProof?: boolean;
  /** Blue, for comparisons (with --deployment: discovered). */
  readonly productionUrl?: string;
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

/** What the hook would find for a deployment, with the caller's AWS credentials. */
const findGreen = async (
  deploymentId: string,
  overrideUrl: string | undefined,
  routingProof: boolean,
  signal: AbortSignal,
  term: Terminal,
  quiet?: boolean,
): Promise<
  | { ok: true; baseUrl: string; productionUrl?: string; facts: Facts }
  | { ok: false; reason: string }
> => {
  const discover = createGreenDiscovery(
    createDiscoveryClients({ maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS }),
  );
  try {
    const green = await discover({
      deploymentId,
      ...(overrideUrl && { overrideUrl }),
      routingProof,
      signal,
    });
    if (!quiet) {
      term.line(
        `Deployment ${deploymentId} of ${green.deployment.applicationName}/${green.deployment.deploymentGroupName}: ${green.routing ?? 'routing proof skipped'}`,
      );
    }
    return {
      ok: true,
      baseUrl: green.baseUrl,
      productionUrl: green.productionUrl,
      facts: green.facts,
    };
  } catch (error) {
    if (error instanceof DiscoveryError) return { ok: false, reason: error.message };
    throw error;
  }
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
    for (const numbers of check ? numbersOf(check) : [])
      term.line(term.paint('dim', `    ${numbers}`));
  });
  const verdict = `${result.verdict} in ${Math.round(result.durationMs)} ms${result.reason ? `: ${result.reason}` : ''}`;
  term.line(term.paint(verdictStyle(result.verdict === 'Succeeded'), verdict));
};

export const runSmokeCommand = async (
  options: SmokeOptions,
  term: Terminal,
  interrupt?: AbortSignal,
): Promise<number> => {
  if (!options.url && !options.deployment) {
    throw new UsageError(
      'give --url, or --deployment d-… to find the test listener from a deployment',
    );
  }
  const override = options.url ? parseUrl(options.url) : undefined;
  const suite = loadStageSuite(findProjectRoot(), options.stage, options.suite);
  if (options.junit) checkWritable(options.junit);
  const budget = deadline(options.timeout, interrupt);
  const target = options.deployment
    ? await findGreen(
        options.deployment,
        override,
        options.routingProof ?? true,
        budget.signal,
        term,
        options.json,
      )
    : { ok: true as const, baseUrl: override as string, facts: NO_FACTS };
  if (!target.ok) {
    budget.dispose();
    const failed = `Failed: discovery: ${target.reason}`;
    if (options.json)
      term.line(
        JSON.stringify({ verdict: 'Failed', reason: `discovery: ${target.reason}` }, null, 2),
      );
    else term.line(term.paint('red', failed));
    return EXIT.failed;
  }
  const baseUrl = target.baseUrl;
  const productionUrl = options.productionUrl
    ? parseUrl(options.productionUrl)
    : 'productionUrl' in target
      ? target.productionUrl
      : undefined;
  if (!options.json)
    term.line(`Running suite "${suite.name}" (${options.hook}) against ${maskUrl(baseUrl)}`);
  const result = await runSmokeSuite({
    suite,
    hook: options.hook,
    baseUrl,
    ...(productionUrl && { productionUrl }),
    facts: target.facts,
    budget: budget.signal,
    readSecret: awsSecretReader,
    readAlarms: awsAlarmReader,
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
