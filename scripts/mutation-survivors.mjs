// node scripts/mutation-survivors.mjs [--markdown] [--dispositions stryker/dispositions.yaml] report.json [newer.json ...]
//
// Reads StrykerJS JSON reports and prints, per file, the score and every mutant that survived
// (or had no test), with its line, mutator and replacement: the list docs/mutation.md keeps,
// each with the test that kills it or why it is not killed.
//
// Several reports merge: a mutant is known by its file, mutator, replacement and the code it
// replaces (not its line, which moves as code is added), and a later report's status wins. So a
// full run followed by a re-run of the survivors' lines (`--mutate file:lines`) gives the score
// of the full scope at the later run's tests.
//
// Mutants inside log lines are counted apart, by the rule of stryker/ignoreLogLines.mjs (reports
// from before that ignorer still contain them). A disposition (stryker/dispositions.yaml)
// matches a survivor by file, a piece of its line and optionally its mutator, and says why it
// is not killed; `--markdown` prints the table with them, "open" where none matches.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from '@babel/parser';
import { parse as parseYaml } from 'yaml';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { markdown: { type: 'boolean' }, dispositions: { type: 'string' } },
});

const LOG_OBJECTS = /^(log|baseLog|logger|console)$/;
const LOG_METHODS = new Set(['info', 'warn', 'error', 'debug']);

/** [startOffset, endOffset] of every log-call statement in `source`. */
const logRanges = (source) => {
  const ast = parse(source, { sourceType: 'module', plugins: ['typescript'] });
  const ranges = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'ExpressionStatement' && node.expression.type === 'CallExpression') {
      const callee = node.expression.callee;
      if (callee.type === 'MemberExpression') {
        const obj = callee.object;
        const name =
          obj.type === 'Identifier'
            ? obj.name
            : obj.type === 'MemberExpression' && obj.property.type === 'Identifier'
              ? obj.property.name
              : '';
        const method = callee.computed
          ? 'computed'
          : callee.property.type === 'Identifier'
            ? callee.property.name
            : '';
        if (
          LOG_OBJECTS.test(name) &&
          (name === 'console' || method === 'computed' || LOG_METHODS.has(method))
        )
          ranges.push([node.start, node.end]);
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object' && typeof value.type === 'string') visit(value);
    }
  };
  visit(ast.program);
  return ranges;
};

const offsetOf = (source, { line, column }) => {
  const lines = source.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i].length + 1;
  return offset + column - 1;
};

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** file -> Map(identity -> mutant view), later reports overriding earlier ones. */
const files = new Map();
for (const report of positionals) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  for (const [path, f] of Object.entries(data.files)) {
    const ranges = logRanges(f.source);
    // A mutant of an earlier report whose line is gone from this report's source was of code
    // since changed: it no longer exists, and this report measures what replaced it.
    const lines = new Set(f.source.split('\n').map((l) => l.trim()));
    const known = new Map(
      [...(files.get(path) ?? new Map())].filter(([, m]) => lines.has(m.original)),
    );
    const seen = new Map();
    for (const m of f.mutants) {
      if (m.status === 'Ignored') continue;
      const start = offsetOf(f.source, m.location.start);
      const end = offsetOf(f.source, m.location.end);
      // Which occurrence of the mutated text in the file: a run of some lines mutates only some
      // occurrences, so counting mutants instead would pair this with another line's mutant.
      const text = f.source.slice(start, end);
      let occurrence = 0;
      for (
        let i = f.source.indexOf(text);
        i !== -1 && i < start;
        i = f.source.indexOf(text, i + 1)
      ) {
        occurrence++;
      }
      const base = [m.mutatorName, m.replacement ?? '', text, occurrence].join('\u0000');
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      known.set(`${base}\u0000${n}`, {
        status: m.status,
        inLog: ranges.some(([s, e]) => start >= s && start < e),
        line: m.location.start.line,
        column: m.location.start.column,
        mutator: m.mutatorName,
        replacement: m.replacement ?? '',
        original: f.source.split('\n')[m.location.start.line - 1].trim(),
        report,
      });
    }
    files.set(path, known);
  }
}

const dispositions = values.dispositions
  ? parseYaml(readFileSync(values.dispositions, 'utf8')).map((d) => ({ ...d, used: 0 }))
  : [];
const dispositionOf = (path, m) =>
  dispositions.find(
    (d) =>
      d.file === path &&
      m.original.includes(d.line) &&
      (d.mutator === undefined || d.mutator === m.mutator) &&
      (d.replacement === undefined || m.replacement.includes(d.replacement)),
  );

let total = { detected: 0, undetected: 0, log: 0 };
const summary = [];
const rows = [];
for (const [path, known] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  let detected = 0;
  let undetected = 0;
  let log = 0;
  for (const m of [...known.values()].sort((a, b) => a.line - b.line || a.column - b.column)) {
    if (m.inLog) {
      log++;
      continue;
    }
    if (DETECTED.has(m.status)) detected++;
    else if (UNDETECTED.has(m.status)) {
      undetected++;
      const d = dispositionOf(path, m);
      if (d) d.used++;
      rows.push({ path, m, why: d ? `${d.kind}: ${d.why}` : 'open: no test kills it yet' });
    }
  }
  total = {
    detected: total.detected + detected,
    undetected: total.undetected + undetected,
    log: total.log + log,
  };
  const n = detected + undetected;
  summary.push({ path, n, detected, log, score: n ? (100 * detected) / n : 100 });
}
const all = total.detected + total.undetected;
const totalScore = ((100 * total.detected) / all).toFixed(1);
const cell = (s) => s.replaceAll('|', '\\|').replaceAll('`', "'");

if (values.markdown) {
  console.log(
    '| file | mutants | detected | score | in log lines (left out) |\n|---|---:|---:|---:|---:|',
  );
  for (const s of summary)
    console.log(`| ${s.path} | ${s.n} | ${s.detected} | ${s.score.toFixed(1)} % | ${s.log} |`);
  console.log(
    `| **all** | **${all}** | **${total.detected}** | **${totalScore} %** | ${total.log} |\n`,
  );
  console.log('| where | mutation | why it is not killed |\n|---|---|---|');
  for (const { path, m, why } of rows)
    console.log(
      `| ${path.replace(/^src\//, '')}:${m.line}:${m.column} | ${m.status === 'NoCoverage' ? '(no test runs it) ' : ''}${m.mutator} → \`${cell(m.replacement.replace(/\s+/g, ' ').slice(0, 60))}\` | ${cell(why)} |`,
    );
} else {
  for (const s of summary)
    console.log(
      `${s.score.toFixed(1).padStart(5)} %  ${String(s.n).padStart(4)} mutants  ${String(s.log).padStart(3)} in log lines  ${s.path}`,
    );
  console.log(
    `\nTotal: ${total.detected} of ${all} detected = ${totalScore} %  (${total.log} mutants in log lines left out)\n`,
  );
  for (const { path, m, why } of rows)
    console.log(
      `${path}:${m.line}:${m.column} ${m.status} ${m.mutator} -> ${JSON.stringify(m.replacement)}  [${why}]\n    ${m.original.slice(0, 140)}`,
    );
}
const unused = dispositions.filter((d) => d.used === 0);
if (unused.length > 0) {
  console.error(`\n${unused.length} disposition(s) match no survivor (stale?):`);
  for (const d of unused) console.error(`  ${d.file}: ${d.line}`);
}
