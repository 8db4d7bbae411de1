// `npm run test:mutation:fast`: the modules whose own tests judge them (the engine's run modules
// and the canary analysis), against the tests of jest.mutation-fast.config.js, which says why;
// everything else as in stryker.config.mjs. About an hour on a 2-core machine.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  jest: { ...base.jest, configFile: 'jest.mutation-fast.config.js' },
  mutate: [
    'src/engine/runSmokeSuite.ts',
    'src/engine/runCheck.ts',
    'src/engine/readinessGate.ts',
    'src/engine/suiteHeaders.ts',
    'src/controllers/ecs/analysisStage.ts',
    'src/controllers/codedeploy/findGreen.ts',
    'src/controllers/codedeploy/shiftedAnalysis.ts',
    'src/traffic/runShiftedAnalysis.ts',
  ],
  jsonReporter: { fileName: 'reports/mutation/fast.json' },
};
