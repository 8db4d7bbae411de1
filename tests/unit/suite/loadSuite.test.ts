import { join } from 'node:path';
import { ConfigError } from '../../../src/errors';
import { loadSuiteFile, parseSuiteYaml, suiteFilePath } from '../../../src/suite/loadSuite';
import { checksForHook } from '../../../src/suite/selection';

const problemsOf = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('loadSuiteFile', () => {
  it('loads the shipped default suite with its defaults filled in', () => {
    const suite = loadSuiteFile(suiteFilePath(join(__dirname, '../../..'), 'default'));
    expect(suite.name).toBe('sample-website');
    expect(suite.readiness?.path).toBe('/');
    const home = suite.checks.find((c) => c.name === 'home page');
    expect(home?.method).toBe('GET');
    expect(home?.expect.status).toEqual({ min: 200, max: 200, text: '200' });
    expect(checksForHook(suite, 'BeforeAllowTraffic').map((c) => c.name)).toEqual([
      'home page',
      'health',
    ]);
  });

  it('names the file when it cannot be read', () => {
    expect(problemsOf(() => loadSuiteFile('/nonexistent/suite.yaml'))[0]).toMatch(/ENOENT/);
  });
});

describe('parseSuiteYaml errors name the file, the line and the field', () => {
  it('reports a bad status range on its own line', () => {
    const yaml = [
      'name: s',
      'checks:',
      '  - name: a',
      '    path: /',
      '    expect:',
      '      status: 2xx',
    ].join('\n');
    expect(problemsOf(() => parseSuiteYaml(yaml, 'suite.yaml'))).toEqual([
      'suite.yaml:6: checks[0].expect.status: a status range is written "200-299"',
    ]);
  });

  it('refuses a {{fact}} inside a regular expression, at its line: it would be neither checked nor filled in', () => {
    const yaml = [
      'name: s',
      'checks:',
      '  - name: a',
      '    path: /',
      '    expect:',
      '      bodyMatches: /version {{container.web.imageTg}}/',
      '      headers:',
      '        x-version: { matches: "^{{container.web.imageTag}}$" }',
    ].join('\n');
    expect(problemsOf(() => parseSuiteYaml(yaml, 'suite.yaml'))).toEqual([
      "suite.yaml:6: checks[0].expect.bodyMatches: {{container.web.imageTg}} inside a regular expression is neither checked nor filled in; compare a fact as text instead (bodyContains, a header's equals or contains, or json equals)",
      "suite.yaml:8: checks[0].expect.headers.x-version.matches: {{container.web.imageTag}} inside a regular expression is neither checked nor filled in; compare a fact as text instead (bodyContains, a header's equals or contains, or json equals)",
    ]);
  });

  it('reports a missing field at its parent, and every problem at once', () => {
    const yaml = [
      'name: s',
      'checks:',
      '  - name: a',
      '    path: /',
      '  - path: no-slash',
      '    method: FETCH',
    ].join('\n');
    const problems = problemsOf(() => parseSuiteYaml(yaml, 's.yaml'));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^s\.yaml:5: checks\[1\]\.name: .*expected string/),
        's.yaml:5: checks[1].path: a path starts with "/"',
        expect.stringMatching(/^s\.yaml:6: checks\[1\]\.method: /),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('rejects unknown keys (a typo must not silently disable a check)', () => {
    const yaml = 'name: s\nchecks:\n  - name: a\n    path: /\n    expect:\n      stauts: 200\n';
    expect(problemsOf(() => parseSuiteYaml(yaml, 's.yaml'))[0]).toMatch(
      /^s\.yaml:6: checks\[0\]\.expect: Unrecognized key: "stauts"/,
    );
  });

  it('rejects duplicate check names and hooks naming unknown checks', () => {
    const yaml = [
      'name: s',
      'checks:',
      '  - { name: a, path: / }',
      '  - { name: a, path: /b }',
      'hooks:',
      '  BeforeAllowTraffic: [a, b]',
    ].join('\n');
    expect(problemsOf(() => parseSuiteYaml(yaml, 's.yaml'))).toEqual([
      's.yaml:4: checks[1].name: duplicate check name "a"',
      's.yaml:6: hooks.BeforeAllowTraffic[1]: no check is named "b"; did you mean "a"?',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf(() => parseSuiteYaml('name: s\nchecks: [\n', 'broken.yaml'))[0]).toMatch(
      /^broken\.yaml:\d+: /,
    );
  });

  it('rejects an invalid regular expression and accepts /pattern/flags', () => {
    expect(
      problemsOf(() =>
        parseSuiteYaml(
          'name: s\nchecks:\n  - name: a\n    path: /\n    expect: { bodyMatches: "((" }\n',
          'r.yaml',
        ),
      )[0],
    ).toMatch(/^r\.yaml:5: checks\[0\]\.expect\.bodyMatches: not a valid regular expression/);
    const suite = parseSuiteYaml(
      'name: s\nchecks:\n  - name: a\n    path: /\n    expect: { bodyMatches: /HELLO/i }\n',
      'r.yaml',
    );
    expect(suite.checks[0]?.expect.bodyMatches?.flags).toBe('i');
  });

  it('accepts status lists and ranges, and secret header references', () => {
    const suite = parseSuiteYaml(
      [
        'name: s',
        'checks:',
        '  - name: a',
        '    path: /',
        '    headers:',
        '      Authorization: { secret: { ssm: /app/token } }',
        '      X-Plain: hello',
        '    expect: { status: [200, 204] }',
        '  - name: b',
        '    path: /b',
        '    expect: { status: 200-299 }',
      ].join('\n'),
      's.yaml',
    );
    expect(suite.checks[0]?.headers).toEqual({
      Authorization: { secret: { ssm: '/app/token' } },
      'X-Plain': 'hello',
    });
    expect(suite.checks[0]?.expect.status).toEqual({ oneOf: [200, 204], text: '200 or 204' });
    expect(suite.checks[1]?.expect.status).toEqual({ min: 200, max: 299, text: '200-299' });
  });
});
