// The engine's own tests for a mutation run of the engine alone (`stryker.engine.config.mjs`):
// the unit tests and the integration tests that call the engine directly. The hook handlers'
// integration tests also reach the engine, but each takes seconds, and every surviving mutant of
// runCheck or runSmokeSuite would run all of them: a run of the engine took hours. Fewer tests
// can only kill fewer mutants, so the score of this run is a lower bound.
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
