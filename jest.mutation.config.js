// The tests StrykerJS runs against each mutant of the verdict paths: everything but the suites
// that work on built artifacts or child processes (`sls package`, the bundled CLI), which never
// load the mutated sources, the long property runs (their invariants have unit and integration
// counterparts), and the checks that read source text (house rules, doc links): Stryker's
// instrumented sources are longer by construction. See stryker.config.mjs.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/tests/integration/packaging/',
    '/tests/integration/cli/',
    '/tests/property/',
    '/tests/unit/house/',
    '/tests/unit/docs/',
    '/tests/integration/examples/',
  ],
};
