/** Writes a suite result as JUnit XML, the format CI systems read test results from. */
import type { SuiteResult } from '../engine/runSmokeSuite';

const escapeXml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // XML 1.0 forbids most control characters even when escaped
    // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

export const renderJunit = (result: SuiteResult): string => {
  const suiteName = `${result.suite} (${result.hook})`;
  const cases: string[] = [];
  if (result.readiness) {
    const r = result.readiness;
    cases.push(
      `    <testcase classname="${escapeXml(suiteName)}" name="readiness gate GET ${escapeXml(r.path)}" time="${seconds(r.waitedMs)}">${r.passed ? '' : `\n      <failure message="${escapeXml(r.reason ?? 'failed')}"/>\n    `}</testcase>`,
    );
  } else if (result.verdict === 'Failed' && result.checks.length === 0) {
    cases.push(
      `    <testcase classname="${escapeXml(suiteName)}" name="suite set-up" time="0.000">\n      <failure message="${escapeXml(result.reason ?? 'failed')}"/>\n    </testcase>`,
    );
  }
  for (const c of result.checks) {
    const name = `${c.name} (${c.method} ${c.path})`;
    // A check cancelled because another failed is skipped, not failed: one failure, one cause.
    const failure = c.passed
      ? ''
      : c.skipped
        ? `\n      <skipped message="${escapeXml(c.reason ?? 'skipped')}"/>\n    `
        : `\n      <failure message="${escapeXml(c.reason ?? 'failed')}"/>\n    `;
    cases.push(
      `    <testcase classname="${escapeXml(suiteName)}" name="${escapeXml(name)}" time="${seconds(c.latencyMs)}">${failure}</testcase>`,
    );
  }
  const failures = cases.filter((c) => c.includes('<failure')).length;
  const skipped = cases.filter((c) => c.includes('<skipped')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ecs-bluegreen-hooks smoke" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${seconds(result.durationMs)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(result.durationMs)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
};
