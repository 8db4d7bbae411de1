import {
  findUnmetExpectation,
  type ObservedResponse,
  readJsonPath,
} from '../../../src/engine/assertions';
import type { Expectation } from '../../../src/suite/schema';
import { validateSuite } from '../../../src/suite/validateSuite';

const expectation = (expect: unknown): Expectation => {
  const suite = validateSuite({ name: 's', checks: [{ name: 'c', path: '/', expect }] }, 'test');
  return (suite.checks[0] as { expect: Expectation }).expect;
};

const response = (overrides: Partial<ObservedResponse> = {}): ObservedResponse => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: '<html>Hello {"a":1}</html>',
  latencyMs: 10,
  ...overrides,
});

describe('findUnmetExpectation', () => {
  it.each([
    [{ status: 200 }, 200, undefined],
    [{ status: 200 }, 201, 'status 201, expected 200'],
    [{ status: [200, 204] }, 204, undefined],
    [{ status: [200, 204] }, 500, 'status 500, expected 200 or 204'],
    [{ status: '200-299' }, 299, undefined],
    [{ status: '200-299' }, 300, 'status 300, expected 200-299'],
  ])('status %j against %i', (rule, status, reason) => {
    expect(findUnmetExpectation(expectation(rule), response({ status }))).toBe(reason);
  });

  it('defaults to expecting 200', () => {
    expect(findUnmetExpectation(expectation({}), response({ status: 404 }))).toBe(
      'status 404, expected 200',
    );
  });

  it('matches headers case-insensitively by name', () => {
    expect(
      findUnmetExpectation(
        expectation({ headers: { 'Content-Type': { contains: 'text/html' } } }),
        response(),
      ),
    ).toBeUndefined();
    expect(findUnmetExpectation(expectation({ headers: { 'x-version': 'v2' } }), response())).toBe(
      'header x-version is missing',
    );
    expect(
      findUnmetExpectation(
        expectation({ headers: { 'content-type': { matches: '^application/json' } } }),
        response(),
      ),
    ).toBe(
      'header content-type is "text/html; charset=utf-8", expected it to match /^application\\/json/',
    );
    expect(
      findUnmetExpectation(expectation({ headers: { server: { present: false } } }), response()),
    ).toBeUndefined();
  });

  it('never shows the value of a credential header', () => {
    const reason = findUnmetExpectation(
      expectation({ headers: { 'set-cookie': 'expected-secret' } }),
      response({ headers: { 'set-cookie': 'session=actual-secret' } }),
    );
    expect(reason).toBe('header set-cookie is [redacted], expected [redacted]');
  });

  it('checks body text and regex', () => {
    expect(findUnmetExpectation(expectation({ bodyContains: ['Hello', 'Bye'] }), response())).toBe(
      'body does not contain "Bye"',
    );
    expect(
      findUnmetExpectation(expectation({ bodyMatches: '/hello/i' }), response()),
    ).toBeUndefined();
    expect(findUnmetExpectation(expectation({ bodyMatches: '^\\d+$' }), response())).toBe(
      'body does not match /^\\d+$/',
    );
  });

  it('checks JSON fields: equals and exists', () => {
    const json = response({
      body: JSON.stringify({ status: 'ok', deps: [{ name: 'db', up: true }] }),
    });
    expect(
      findUnmetExpectation(
        expectation({
          json: [
            { path: 'status', equals: 'ok' },
            { path: 'deps[0].up', equals: true },
          ],
        }),
        json,
      ),
    ).toBeUndefined();
    expect(
      findUnmetExpectation(expectation({ json: [{ path: 'status', equals: 'down' }] }), json),
    ).toBe('JSON field status is "ok", expected "down"');
    expect(
      findUnmetExpectation(expectation({ json: [{ path: 'version', exists: true }] }), json),
    ).toBe('JSON field version is missing, expected it present');
    expect(
      findUnmetExpectation(expectation({ json: [{ path: 'a', exists: true }] }), response()),
    ).toMatch(/^body is not JSON/);
  });

  it('checks latency', () => {
    expect(
      findUnmetExpectation(expectation({ maxLatencyMs: 100 }), response({ latencyMs: 150.4 })),
    ).toBe('latency 150 ms, expected at most 100 ms');
  });
});

describe('readJsonPath', () => {
  it('walks objects and arrays, and tells missing from null', () => {
    const doc = { a: { b: [null, { c: 3 }] } };
    expect(readJsonPath(doc, 'a.b[1].c')).toEqual({ found: true, value: 3 });
    expect(readJsonPath(doc, 'a.b[0]')).toEqual({ found: true, value: null });
    expect(readJsonPath(doc, 'a.b[0].c')).toEqual({ found: false });
    expect(readJsonPath(doc, 'a.toString')).toEqual({ found: false });
  });
});
