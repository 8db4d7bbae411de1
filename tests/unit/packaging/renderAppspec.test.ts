/** The appspec rendered from resolved values, and loud failures on anything unresolved. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors';
import { renderResolvedAppspec, renderStageAppspec } from '../../../src/packaging/renderAppspec';

/** A Serverless variable, written as it appears in serverless.yml (not a JS template). */
const variable = (name: string) => `$${'{'}${name}}`;

const resolved = {
  stage: 'prod',
  hookNames: {
    afterAllowTestTraffic: 'CodeDeployHook_shop2-prod-AfterAllowTestTraffic',
    beforeAllowTraffic: 'CodeDeployHook_shop2-prod-BeforeAllowTraffic',
    afterAllowTraffic: 'CodeDeployHook_shop2-prod-AfterAllowTraffic',
  },
  containerName: 'web',
  containerPort: 8080,
};

describe('renderResolvedAppspec', () => {
  it('names exactly the deployed functions and the container', () => {
    const text = renderResolvedAppspec(resolved);
    expect(text).toContain(
      '- AfterAllowTestTraffic: CodeDeployHook_shop2-prod-AfterAllowTestTraffic',
    );
    expect(text).toContain('ContainerName: web');
    expect(text).toContain('ContainerPort: 8080');
    expect(text).toMatch(/^version: 0\.0$/m);
  });

  it('fails loudly on an unresolved variable or a missing value, naming the field', () => {
    expect(() =>
      renderResolvedAppspec({ ...resolved, containerName: variable('env:CONTAINER') }),
    ).toThrow(/params\.containerName is "\$\{env:CONTAINER\}", a variable that was not resolved/);
    expect(() =>
      renderResolvedAppspec({
        ...resolved,
        hookNames: { ...resolved.hookNames, beforeAllowTraffic: undefined },
      }),
    ).toThrow(/functions\.beforeAllowTraffic\.name is not set/);
    expect(() => renderResolvedAppspec({ ...resolved, containerPort: 'eighty' })).toThrow(
      ConfigError,
    );
  });
});

describe('renderStageAppspec (serverless.yml as written)', () => {
  it('refuses params that need the framework, and points at sls package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgh-appspec-'));
    try {
      const yml = readFileSync(join(__dirname, '..', '..', '..', 'serverless.yml'), 'utf8').replace(
        '\n  dev:\n',
        `\n  shop:\n    serviceName: ${variable('env:SERVICE')}\n  dev:\n`,
      );
      writeFileSync(join(dir, 'serverless.yml'), yml);
      expect(() => renderStageAppspec(dir, 'shop')).toThrow(
        /not resolved; render the stage's appspec with `sls package --stage <stage>`/,
      );
      expect(renderStageAppspec(dir, 'dev')).toContain(
        'CodeDeployHook_sample-website-dev-AfterAllowTestTraffic',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
