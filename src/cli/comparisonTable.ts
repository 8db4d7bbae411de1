/** A comparison's numbers as a small side-by-side table (smoke and rehearse print it). */
import type { CheckResult } from '../engine/checkResult';
import type { SampleStats } from '../traffic/sampling';
import { formatTable } from './terminal';

const ms = (v: number | undefined) => (v === undefined ? '-' : `${v} ms`);

const row = (side: string, s: SampleStats) => [
  side,
  String(s.samples),
  `${(s.errorRate * 100).toFixed(1)} %`,
  ms(s.p50Ms),
  ms(s.p95Ms),
  ms(s.p99Ms),
];

/** Lines for a check's comparison or sample numbers; none for a plain check. */
export const numbersOf = (result: CheckResult): string[] => {
  const c = result.comparison;
  if (c) {
    const table = formatTable([
      ['', 'samples', 'errors', 'p50', 'p95', 'p99'],
      row('green', c.green),
      row('blue', c.blue),
    ]);
    const ratio =
      c.latencyRatio === undefined
        ? ''
        : `  p${c.percentile} green/blue ${c.latencyRatio.toFixed(2)}x`;
    return [...table.slice(0, -1), `${table.at(-1)}${ratio}`];
  }
  const s = result.sample;
  return s ? formatTable([['', 'samples', 'errors', 'p50', 'p95', 'p99'], row('green', s)]) : [];
};
