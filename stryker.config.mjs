// Mutation testing of the verdict paths (`npm run test:mutation`): every way a hook decides pass
// or fail, for both controllers. A surviving mutant is a change to that logic no test notices;
// the README lists the score and each survivor with its test or why it is equivalent.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Every test in the initial run: jest's --findRelatedTests (Stryker's default) follows static
  // imports only and missed the integration tests that reach a module through the helpers and
  // the loopback world, so whole files showed as not covered (seen: discoverEcsGreen, 151 of 151).
  jest: { configFile: 'jest.mutation.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  // Stryker rewrites tsconfig references through the TypeScript JS API, which TypeScript 7 (the
  // native compiler) no longer ships; @swc/jest needs no tsconfig, so point it at none.
  tsconfigFile: 'tsconfig.stryker-absent.json',
  mutate: [
    'src/engine/**/*.ts',
    'src/controllers/**/*.ts',
    'src/time/timeBudget.ts',
    'src/traffic/runSampledCheck.ts',
    'src/traffic/runComparison.ts',
    'src/traffic/runProductionWatch.ts',
    'src/traffic/runWatchSlice.ts',
    'src/traffic/runShiftedAnalysis.ts',
    'src/traffic/watchAlarms.ts',
    'src/discovery/routingProof.ts',
    'src/discovery/discoverEcsGreen.ts',
    'src/alarm/stopActiveDeployments.ts',
    'src/alarm/stopActiveEcsDeployments.ts',
  ],
  // Log lines are not verdicts: mutating them only measures the wording (stryker/ignoreLogLines.mjs).
  // Reasons a verdict carries are mutated like any other code.
  plugins: ['@stryker-mutator/*', './stryker/ignoreLogLines.mjs'],
  ignorers: ['log-lines'],
  ignoreStatic: true,
  concurrency: 2,
  // A mutant that hangs a test is caught by this timeout (added to 1.5x the test's own time).
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
