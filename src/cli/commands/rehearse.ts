/** `rehearse`: a whole blue/green deployment on loopback, printed as a live timeline. */
import { MIN_HOOK_SAFETY_MARGIN_MS } from '../../config/env';
import {
  type GreenBehaviour,
  type RehearsalEvent,
  rehearseDeployment,
} from '../../rehearsal/rehearseDeployment';
import { type EcsStrategy, rehearseEcsDeployment } from '../../rehearsal/rehearseEcsDeployment';
import { loadSuiteFile, suiteFilePath } from '../../suite/loadSuite';
import { numbersOf } from '../comparisonTable';
import { EXIT } from '../errors';
import { findProjectRoot, loadStageSuite } from '../project';
import type { Terminal } from '../terminal';

export interface RehearseOptions {
  readonly controller?: 'codedeploy' | 'ecs';
  readonly strategy?: EcsStrategy;
  readonly green: GreenBehaviour;
  readonly alarm?: boolean;
  readonly stage?: string;
  readonly suite?: string;
  readonly wait: number;
  readonly hookTimeout: number;
}

const printer = (term: Terminal, started: number) => {
  const stamp = () =>
    term.paint('dim', `${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s`);
  return (event: RehearsalEvent): void => {
    switch (event.type) {
      case 'step':
        term.line(`${stamp()}  ${term.paint('bold', event.step.padEnd(21))} ${event.detail}`);
        return;
      case 'listeners':
        term.line(
          `${stamp()}  ${''.padEnd(21)} ${term.paint('cyan', `production -> ${event.production}   test -> ${event.test}`)}`,
        );
        return;
      case 'suite': {
        const p = event.progress;
        if (p.type === 'readiness-attempt') {
          term.progress(
            `${stamp()}  ${''.padEnd(21)} waiting for green to answer (attempt ${p.attempt}: ${p.outcome})`,
          );
          return;
        }
        const r = p.result;
        const mark = r.passed
          ? term.paint('green', 'pass')
          : r.skipped
            ? term.paint('yellow', 'skip')
            : term.paint('red', 'FAIL');
        const status = r.statusCode === undefined ? '' : ` ${r.statusCode}`;
        const latency = r.latencyMs === undefined ? '' : ` ${Math.round(r.latencyMs)} ms`;
        term.line(
          `${stamp()}  ${''.padEnd(21)} ${mark} ${r.name} (${r.method} ${r.path})${status}${latency}${r.reason ? ` - ${r.reason}` : ''}`,
        );
        for (const numbers of numbersOf(r))
          term.line(`${''.padEnd(31)}${term.paint('dim', numbers)}`);
        return;
      }
      case 'hook-reported': {
        const ecs = event.status === event.status.toUpperCase();
        const ok = event.status === 'Succeeded' || event.status === 'SUCCEEDED';
        const colour = ok ? 'green' : event.status === 'IN_PROGRESS' ? 'yellow' : 'red';
        term.line(
          ecs
            ? `${stamp()}  ${''.padEnd(21)} ${event.hook} answered ${term.paint(colour, event.status)}${event.reason ? ` (${event.reason})` : ''}`
            : `${stamp()}  ${''.padEnd(21)} reported ${term.paint(colour, event.status)} to CodeDeploy`,
        );
        return;
      }
      case 'waiting':
        term.progress(
          `${stamp()}  ${''.padEnd(21)} blue ends in ${(event.remainingMs / 1000).toFixed(1)} s`,
        );
        return;
      case 'rollback':
        term.line(
          `${stamp()}  ${term.paint('red', 'Rollback'.padEnd(21))} ${event.reason}: production back on blue`,
        );
        return;
    }
  };
};

export const runRehearseCommand = async (
  options: RehearseOptions,
  term: Terminal,
): Promise<number> => {
  const root = findProjectRoot();
  // The rehearsal's own suite checks the image tag (a revision fact); --stage runs a stage's.
  const suite = options.stage
    ? loadStageSuite(root, options.stage)
    : loadSuiteFile(options.suite ?? suiteFilePath(root, 'rehearsal'));
  const started = performance.now();
  term.line(
    `Rehearsing an ECS blue/green deployment ${options.controller === 'ecs' ? 'run by ECS itself (native blue/green)' : 'run by CodeDeploy'} on loopback: green is ${options.green}${options.alarm ? ', an alarm fires during the wait' : ''}`,
  );
  const rehearse =
    options.controller === 'ecs'
      ? (o: Parameters<typeof rehearseDeployment>[0]) =>
          rehearseEcsDeployment({ ...o, ...(options.strategy && { strategy: options.strategy }) })
      : rehearseDeployment;
  const result = await rehearse({
    suite,
    green: options.green,
    alarm: options.alarm ?? false,
    hookTimeoutMs: options.hookTimeout * 1000,
    // The smallest margin the hooks accept: the rehearsal's hang shows the deadline soonest.
    safetyMarginMs: MIN_HOOK_SAFETY_MARGIN_MS,
    terminationWaitMs: options.wait * 1000,
    slowStartMs: 3_000,
    onEvent: printer(term, started),
  });
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.outcome === 'succeeded') {
    term.line(
      term.paint(
        'green',
        `Deployment succeeded in ${seconds} s: production serves ${result.production}`,
      ),
    );
    return EXIT.ok;
  }
  term.line(
    term.paint(
      'red',
      `Deployment rolled back in ${seconds} s (${result.reason}): production serves ${result.production}`,
    ),
  );
  return EXIT.failed;
};
