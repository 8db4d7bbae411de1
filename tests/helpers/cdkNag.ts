/**
 * AWS's rule packs on a packaged template: cdk-nag's AwsSolutions and Serverless packs, through
 * aws-cdk-lib's CfnInclude, the way a security team would scan it. Acknowledgments are read from
 * the template itself (each resource's `Metadata.cdk_nag.rules_to_suppress`) and applied with
 * CDK's own acknowledgment mechanism, so what passes here passes their scanner.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

export interface Finding {
  /** The rule, with cdk-nag's finding suffix where it has one: `AwsSolutions-IAM5[Resource::*]`. */
  readonly rule: string;
  /** The resource's logical id. */
  readonly resource: string;
}

export interface Acknowledged {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
}

interface Template {
  readonly Resources: Record<string, { Metadata?: Record<string, unknown> }>;
}

/** The acknowledgments a template carries, resource by resource. */
export const acknowledgmentsOf = (template: Template): Acknowledged[] =>
  Object.entries(template.Resources).flatMap(([resource, r]) => {
    const nag = r.Metadata?.cdk_nag as
      | { rules_to_suppress?: { id: string; reason: string }[] }
      | undefined;
    return (nag?.rules_to_suppress ?? []).map((a) => ({ rule: a.id, resource, reason: a.reason }));
  });

const scan = (templateFile: string, acknowledge: boolean): Finding[] => {
  const app = new App();
  const stack = new Stack(app, 'Scan');
  const included = new CfnInclude(stack, 'Template', { templateFile });
  if (acknowledge) {
    const template = (included as unknown as { template: Template }).template;
    for (const a of acknowledgmentsOf(template)) {
      Validations.of(included.getResource(a.resource)).acknowledge({
        id: a.rule,
        reason: a.reason,
      });
    }
  }
  const findings: Finding[] = [];
  for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    for (const v of pack.validateScope(stack).violations) {
      for (const r of v.violatingResources) {
        const path = r.constructPath ?? '';
        const resource = path.split('/').pop() ?? path;
        findings.push({ rule: v.ruleName, resource });
      }
    }
  }
  return findings.sort((a, b) =>
    `${a.rule} ${a.resource}`.localeCompare(`${b.rule} ${b.resource}`),
  );
};

export interface NagReport {
  /** Every finding, as a scanner that ignores acknowledgments would list it. */
  readonly all: Finding[];
  /** Findings no acknowledgment in the template explains. */
  readonly unexplained: Finding[];
  /** Acknowledgments that match no finding (stale: the finding was fixed or moved). */
  readonly stale: Acknowledged[];
  readonly acknowledged: Acknowledged[];
}

export const runNag = (template: Template): NagReport => {
  const dir = mkdtempSync(join(tmpdir(), 'bgh-nag-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(template));
    const all = scan(file, false);
    const unexplained = scan(file, true);
    const acknowledged = acknowledgmentsOf(template);
    const stale = acknowledged.filter(
      (a) => !all.some((f) => f.rule === a.rule && f.resource === a.resource),
    );
    return { all, unexplained, stale, acknowledged };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const describeFinding = (f: Finding) => `${f.rule} on ${f.resource}`;
