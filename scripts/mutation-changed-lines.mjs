// node scripts/mutation-changed-lines.mjs --since <commit> file.ts [file.ts ...]
//
// What a re-run of the lines changed since <commit> replaces, for files whose earlier Stryker
// report is not at hand (a merge of reports needs them all; see docs/mutation.md):
//   - the `--mutate` ranges of the lines changed since <commit>, for `npx stryker run --mutate`;
//   - every mutant Stryker's own instrumenter (with stryker/ignoreLogLines.mjs) makes in
//     <commit>'s version on the lines since changed: the measured mutants that code no longer has.
// A measured row's figures then become: its mutants less those, its detected less those of them
// that were not survivors (the survivors' lines are in docs/mutation.md), plus the re-run's.
//
// Stryker's ignoreStatic drops a mutant that runs only when its module loads; the instrumenter
// cannot know which do, so a mutant outside every function is flagged "static?" for the reader.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { parse } from '@babel/parser';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { strykerPlugins } from '../stryker/ignoreLogLines.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { since: { type: 'string' } },
});
if (!values.since || positionals.length === 0) {
  console.error('usage: node scripts/mutation-changed-lines.mjs --since <commit> file.ts [...]');
  process.exit(2);
}

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' });

/** Changed hunks of `file` since `since`: [oldStart, oldCount, newStart, newCount]. */
const hunks = (file) =>
  git('diff', '-U0', values.since, 'HEAD', '--', file)
    .split('\n')
    .map((l) => /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(l))
    .filter(Boolean)
    .map((m) => [+m[1], m[2] === undefined ? 1 : +m[2], +m[3], m[4] === undefined ? 1 : +m[4]]);

/** [start, end] offsets of every function in `source`: a mutant outside them all runs at load. */
const functionRanges = (source) => {
  const ranges = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (/Function|Method/.test(node.type) && node.body) ranges.push([node.start, node.end]);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object' && typeof value.type === 'string') visit(value);
    }
  };
  visit(parse(source, { sourceType: 'module', plugins: ['typescript'] }).program);
  return ranges;
};

const quiet = () => false;
const noop = () => {};
const logger = {
  ...Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((l) => [l, noop])),
  ...Object.fromEntries(
    ['Trace', 'Debug', 'Info', 'Warn', 'Error', 'Fatal'].map((l) => [`is${l}Enabled`, quiet]),
  ),
};
const instrumenter = new Instrumenter(logger);

const ranges = [];
for (const file of positionals) {
  const changed = hunks(file);
  for (const [, , start, count] of changed)
    if (count > 0) ranges.push(`${file}:${start}-${start + count - 1}`);
  const oldLines = new Set(
    changed.flatMap(([start, count]) => Array.from({ length: count }, (_, i) => start + i)),
  );
  const source = git('show', `${values.since}:${file}`);
  const { mutants } = await instrumenter.instrument(
    [{ name: file, mutate: true, content: source }],
    {
      plugins: null,
      excludedMutations: [],
      ignorers: [strykerPlugins[0].value],
    },
  );
  const lines = source.split('\n');
  const offset = ({ line, column }) =>
    lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + column;
  const functions = functionRanges(source);
  // The instrumenter's locations are 0-based (a report's are 1-based).
  const gone = mutants.filter(
    (m) => m.status !== 'Ignored' && oldLines.has(m.location.start.line + 1),
  );
  console.log(`${file}: ${gone.length} mutant(s) of ${values.since} on lines since changed`);
  for (const m of gone) {
    const at = offset(m.location.start);
    const isStatic = !functions.some(([s, e]) => at > s && at < e);
    console.log(
      `  ${m.location.start.line + 1}:${m.location.start.column + 1} ${m.mutatorName} -> ${JSON.stringify(m.replacement.replace(/\s+/g, ' ').slice(0, 60))}${isStatic ? '  static?' : ''}`,
    );
  }
}
console.log(`\n--mutate "${ranges.join(',')}"`);
