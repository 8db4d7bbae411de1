/** Suites that cannot misbehave at run time: refused at load time with file:line. */

import { renderJunit } from '../../../src/cli/junit';
import { findUnmetExpectation } from '../../../src/engine/assertions';
import { ConfigError } from '../../../src/errors';
import { parseBaseUrl } from '../../../src/probe/baseUrl';
import { parseSuiteYaml } from '../../../src/suite/loadSuite';
import { suiteOf } from '../../helpers/suites';

const problemsOf = (yaml: string): readonly string[] => {
  try {
    parseSuiteYaml(yaml, 's.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};
const oneCheck = (extra: string) => `name: x\nchecks:\n  - name: a\n    path: /\n${extra}`;

describe('load-time refusals', () => {
  it('refuses g and y regex flags, which make matching alternate between pass and fail', () => {
    expect(problemsOf(oneCheck('    expect:\n      bodyMatches: /ok/g\n'))[0]).toMatch(
      /^s\.yaml:6: checks\[0\]\.expect\.bodyMatches: the g and y flags make a regular expression remember/,
    );
    expect(
      problemsOf(oneCheck('    expect:\n      headers:\n        x-a: { matches: /ok/y }\n'))[0],
    ).toMatch(/the g and y flags/);
    expect(problemsOf(oneCheck('    expect:\n      bodyMatches: /ok/i\n'))).toEqual([]);
  });

  it('refuses header names that are not tokens and values with CR, LF, NUL or non-Latin-1 text', () => {
    expect(problemsOf(oneCheck('    headers:\n      "X Bad": v\n'))).toEqual([
      expect.stringMatching(
        /^s\.yaml:\d+: checks\[0\]\.headers\.X Bad: a header name is letters, digits/,
      ),
    ]);
    expect(problemsOf(oneCheck('    headers:\n      X-A: "a\\r\\nX-Injected: 1"\n'))[0]).toMatch(
      /^s\.yaml:6: checks\[0\]\.headers\.X-A: a header value cannot contain CR, LF or NUL/,
    );
    expect(problemsOf(oneCheck('    headers:\n      X-Name: 환영\n'))[0]).toMatch(
      /checks\[0\]\.headers\.X-Name: a header value is sent as Latin-1 .*percent-encode/,
    );
    expect(problemsOf(oneCheck('    headers:\n      X-Name: café\n'))).toEqual([]);
  });

  it('refuses timers Node cannot hold (above 2^31-1 ms)', () => {
    expect(problemsOf(oneCheck('    timeoutMs: 2147483648\n'))).toEqual([
      's.yaml:5: checks[0].timeoutMs: at most 2147483647 ms (2^31-1, the longest timer Node can set)',
    ]);
    expect(
      problemsOf(
        'name: x\nreadiness: { path: /, budgetMs: 9999999999 }\nchecks: [{ name: a, path: / }]\n',
      )[0],
    ).toMatch(/readiness\.budgetMs: at most 2147483647/);
  });

  it('refuses paths whose . or .. segments send the request elsewhere, and fragments', () => {
    expect(problemsOf('name: x\nchecks:\n  - name: a\n    path: /api/../admin\n')).toEqual([
      's.yaml:4: checks[0].path: a path with "." or ".." segments is sent as /admin, not as written; write that path instead',
    ]);
    expect(problemsOf('name: x\nchecks:\n  - name: a\n    path: /a/%2e%2e/b\n')[0]).toMatch(
      /sent as \/b/,
    );
    expect(problemsOf('name: x\nchecks:\n  - name: a\n    path: /a#b\n')[0]).toMatch(/fragment/);
    expect(problemsOf('name: x\nchecks:\n  - name: a\n    path: /a..b/c?x=..\n')).toEqual([]);
  });

  it('lists at most three close names for an unknown name, not every check (1,000 checks)', () => {
    const checks = Array.from({ length: 1000 }, (_, i) => `  - { name: check-${i}, path: / }`).join(
      '\n',
    );
    const problems = problemsOf(
      `name: x\nchecks:\n${checks}\nhooks:\n  AfterAllowTestTraffic: [check-10x]\n`,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /no check is named "check-10x"; did you mean "check-10", "check-100", "check-101"\?$/,
    );
    expect((problems[0] as string).length).toBeLessThan(200);
  });

  it('turns the YAML parser refusing an alias bomb into a ConfigError naming the file', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(problemsOf(bomb)[0]).toMatch(
      /^s\.yaml: .*[Ee]xcessive alias count.*expand them or split the file/,
    );
  });
});

describe('base URL', () => {
  it('refuses a query or fragment, which would swallow every check path', () => {
    expect(parseBaseUrl('http://h:8080/?tenant=a', 'TEST_LISTENER_URL')).toEqual({
      ok: false,
      problem: expect.stringMatching(/^TEST_LISTENER_URL must not have a query or fragment/),
    });
    expect(parseBaseUrl('http://h:8080/#x', '--url').ok).toBe(false);
    expect(parseBaseUrl('http://h:8080/', '--url')).toEqual({ ok: true, url: 'http://h:8080' });
  });

  it('never shows a password', () => {
    const result = parseBaseUrl('ftp://user:s3cret@h/', '--url');
    expect(result.ok ? '' : result.problem).not.toContain('s3cret');
  });
});

describe('JSON equals', () => {
  it('compares structurally: key order does not matter, values do', () => {
    const expect_ = suiteOf({
      checks: [
        { name: 'a', path: '/', expect: { json: [{ path: 'v', equals: { a: 1, b: [1, 2] } }] } },
      ],
    }).checks[0]?.expect as Parameters<typeof findUnmetExpectation>[0];
    const response = (body: string) => ({ status: 200, headers: {}, body, latencyMs: 1 });
    expect(findUnmetExpectation(expect_, response('{"v": {"b": [1, 2], "a": 1}}'))).toBeUndefined();
    expect(findUnmetExpectation(expect_, response('{"v": {"b": [2, 1], "a": 1}}'))).toMatch(
      /^JSON field v is/,
    );
  });
});

describe('JUnit', () => {
  it('writes cancelled checks as <skipped/>, with the right counts', () => {
    const xml = renderJunit({
      suite: 's',
      hook: 'AfterAllowTestTraffic',
      baseUrl: 'http://h',
      verdict: 'Failed',
      durationMs: 10,
      checks: [
        {
          name: 'a',
          method: 'GET',
          path: '/',
          passed: false,
          reason: 'status 500, expected 200',
          attempts: 1,
          requestHeaders: {},
        },
        {
          name: 'b',
          method: 'GET',
          path: '/b',
          passed: false,
          skipped: true,
          reason: 'not finished: the suite had already failed',
          attempts: 0,
          requestHeaders: {},
        },
        { name: 'c', method: 'GET', path: '/c', passed: true, attempts: 1, requestHeaders: {} },
      ],
    });
    expect(xml).toContain('tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toMatch(/name="b \(GET \/b\)"[^>]*>\s*<skipped message="not finished/);
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });
});

describe('the escape hatch (skipSmoke)', () => {
  it('is off unless set; set, its marker defaults to "[skip smoke]"', () => {
    expect(suiteOf({ checks: [{ name: 'a', path: '/' }] }).skipSmoke).toBeUndefined();
    expect(suiteOf({ checks: [{ name: 'a', path: '/' }], skipSmoke: {} }).skipSmoke).toEqual({
      marker: '[skip smoke]',
    });
  });

  it('refuses a marker too short to mean anything, also as an ECS tag reads it', () => {
    expect(problemsOf(`${oneCheck('')}skipSmoke:\n  marker: "[!]"\n`)[0]).toMatch(
      /^s\.yaml:\d+: skipSmoke\.marker: needs at least 3 letters, digits, spaces/,
    );
    expect(problemsOf(`${oneCheck('')}skipSmoke:\n  marker: ok\n`)[0]).toMatch(/skipSmoke\.marker/);
    expect(problemsOf(`${oneCheck('')}skipSmoke:\n  marker: NO-SMOKE\n`)).toEqual([]);
  });
});
