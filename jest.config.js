// Jest with @swc/jest: ~3x faster than ts-jest here, and ts-jest refuses TypeScript 7.
// Type checking is `npm run typecheck` (tsc --noEmit), not the test runner's job.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  moduleNameMapper: { '^smoke-suite$': '<rootDir>/tests/helpers/bundledSuiteStub.ts' },
  setupFiles: ['<rootDir>/tests/helpers/jestSetup.ts'],
  testTimeout: 30000,
};
