// `npm run test:mutation:engine`: the engine's run modules against the engine's own tests
// (jest.mutation-engine.config.js says why); everything else as in stryker.config.mjs.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  jest: { ...base.jest, configFile: 'jest.mutation-engine.config.js' },
  mutate: [
    'src/engine/runSmokeSuite.ts',
    'src/engine/runCheck.ts',
    'src/engine/readinessGate.ts',
    'src/engine/suiteHeaders.ts',
  ],
  jsonReporter: { fileName: 'reports/mutation/engine.json' },
};
