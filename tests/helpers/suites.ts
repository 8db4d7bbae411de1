/** Builds validated suites for tests from plain objects. */

import type { Suite, SuiteInput } from '../../src/suite/schema';
import { validateSuite } from '../../src/suite/validateSuite';

/** A suite for tests: any fields, with a name filled in. */
export type TestSuiteInput = Partial<SuiteInput> & Pick<SuiteInput, 'checks'>;

export const suiteOf = (input: TestSuiteInput): Suite =>
  validateSuite({ name: 'test-suite', ...input }, 'test');

/** Three checks against the sample app, fast retries, no readiness gate. */
export const sampleAppSuite = (overrides: Partial<SuiteInput> = {}): Suite =>
  suiteOf({
    retry: { attempts: 3, backoffMs: 20, maxBackoffMs: 50 },
    timeoutMs: 1000,
    checks: [
      { name: 'home', path: '/', expect: { status: 200, bodyContains: 'Sample app' } },
      { name: 'health', path: '/health', expect: { json: [{ path: 'status', equals: 'ok' }] } },
      { name: 'missing', path: '/nope', expect: { status: 404 } },
    ],
    ...overrides,
  });
