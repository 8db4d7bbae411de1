// A Stryker ignorer: mutants inside a log call (log.info/warn/error, a log passed in as `r.log`,
// console.*) are left out of the score. A log line is what an operator reads, never a verdict:
// changing its words or fields cannot change what a hook answers. Every other string stays in,
// including the reasons a verdict carries.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const LOG_METHODS = new Set(['info', 'warn', 'error', 'debug']);

const isLogCall = (node) => {
  if (node?.type !== 'CallExpression') return false;
  const callee = node.callee;
  // log[level](...) is a computed member whose object is the log.
  if (callee.type !== 'MemberExpression') return false;
  const obj = callee.object;
  const name =
    obj.type === 'Identifier'
      ? obj.name
      : obj.type === 'MemberExpression' && obj.property.type === 'Identifier'
        ? obj.property.name
        : '';
  if (name === 'console') return true;
  if (!/^(log|baseLog|logger)$/.test(name)) return false;
  if (callee.computed) return true;
  return callee.property.type === 'Identifier' && LOG_METHODS.has(callee.property.name);
};

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-lines', {
    shouldIgnore(path) {
      if (path.isExpressionStatement?.() && isLogCall(path.node.expression)) {
        return 'a log line: what an operator reads, never what a hook answers';
      }
      return undefined;
    },
  }),
];
