// node scripts/mutation-survivors.mjs reports/mutation/mutation.json [more.json ...]
//
// Reads StrykerJS JSON reports and prints, per file, the score and every mutant that survived
// (or had no test), with its line, mutator and replacement: the list docs/performance.md keeps,
// each with the test that now kills it or why it is equivalent. Mutants inside log lines are
// counted apart, by the rule of stryker/ignoreLogLines.mjs (reports from before that ignorer
// still contain them).
import { readFileSync } from 'node:fs';
import { parse } from '@babel/parser';

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
let total = { detected: 0, undetected: 0, log: 0 };
const rows = [];
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [path, f] of Object.entries(report.files)) {
    const ranges = logRanges(f.source);
    const inLog = (m) => {
      const at = offsetOf(f.source, m.location.start);
      return ranges.some(([s, e]) => at >= s && at < e);
    };
    let detected = 0;
    let undetected = 0;
    let log = 0;
    for (const m of f.mutants) {
      if (m.status === 'Ignored') continue;
      if (inLog(m)) {
        log++;
        continue;
      }
      if (DETECTED.has(m.status)) detected++;
      else if (UNDETECTED.has(m.status)) {
        undetected++;
        const original = f.source.split('\n')[m.location.start.line - 1].trim();
        rows.push(
          `${path}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '')}\n    ${original.slice(0, 140)}`,
        );
      }
    }
    total = {
      detected: total.detected + detected,
      undetected: total.undetected + undetected,
      log: total.log + log,
    };
    const score =
      detected + undetected ? ((100 * detected) / (detected + undetected)).toFixed(1) : '-';
    console.log(
      `${score.padStart(5)} %  ${String(detected + undetected).padStart(4)} mutants  ${String(log).padStart(3)} in log lines  ${path}`,
    );
  }
}
const all = total.detected + total.undetected;
console.log(
  `\nTotal: ${total.detected} of ${all} detected = ${((100 * total.detected) / all).toFixed(1)} %  (${total.log} mutants in log lines left out)\n`,
);
console.log(rows.join('\n'));
