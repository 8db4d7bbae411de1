// The tests of a fast mutation run (`stryker.fast.config.mjs`): the unit tests and the
// integration tests that call the engine and the traffic runners directly. The hook handlers'
// integration tests reach the same modules, but each takes seconds, and every surviving mutant
// of runCheck or runSmokeSuite would run all of them: a run of the engine with them took hours.
// Fewer tests can only kill fewer mutants, so a score from this run is a lower bound.
const base = require('./jest.mutation.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: [
    '<rootDir>/tests/unit',
    '<rootDir>/tests/integration/engine',
    '<rootDir>/tests/integration/probe',
    '<rootDir>/tests/integration/traffic',
  ],
};
