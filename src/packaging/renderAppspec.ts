/**
 * Renders the ECS appspec.yaml for a stage: the service's container and port, and the stage's
 * hook functions. TaskDefinition is a placeholder that `aws ecs deploy --codedeploy-appspec` and
 * the amazon-ecs-deploy-task-definition action fill in.
 */
import { stringify } from 'yaml';
import { functionNamesFor } from '../config/functionNames';
import { readStageParams, stringParam } from '../config/stageParams';
import { ConfigError } from '../errors';

export const TASK_DEFINITION_PLACEHOLDER = '<TASK_DEFINITION>';

export interface AppspecInput {
  readonly serviceName: string;
  readonly stage: string;
  readonly containerName: string;
  readonly containerPort: number;
}

export interface HookFunctionNames {
  readonly afterAllowTestTraffic: string;
  readonly beforeAllowTraffic: string;
  readonly afterAllowTraffic: string;
}

const UNRESOLVED = /\$\{/;

/** A port number, or a ConfigError naming the field. */
const portOf = (value: unknown, field: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError('Invalid stage parameter', [
      `${field} must be a port number, got "${String(value)}"`,
    ]);
  }
  return port;
};

/** A resolved string, or a ConfigError naming the field (missing, or a variable left unresolved). */
const resolvedString = (value: unknown, field: string): string => {
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '') {
    throw new ConfigError('Cannot render appspec.yaml', [`${field} is not set`]);
  }
  if (UNRESOLVED.test(String(value))) {
    throw new ConfigError('Cannot render appspec.yaml', [
      `${field} is "${String(value)}", a variable that was not resolved; render the stage's appspec with \`sls package --stage <stage>\` (it writes .serverless/appspec.yaml from the resolved configuration)`,
    ]);
  }
  return String(value);
};

export const renderAppspec = (input: AppspecInput): string =>
  renderWithNames(functionNamesFor(input.serviceName, input.stage), input);

/**
 * The appspec `sls package` writes next to the package, from the framework's resolved values:
 * the deployed function names and the container, `--param` and variables included.
 */
export const renderResolvedAppspec = (input: {
  readonly stage: string;
  readonly hookNames: Partial<Record<keyof HookFunctionNames, unknown>>;
  readonly containerName: unknown;
  readonly containerPort: unknown;
}): string =>
  renderWithNames(
    {
      afterAllowTestTraffic: resolvedString(
        input.hookNames.afterAllowTestTraffic,
        'functions.afterAllowTestTraffic.name',
      ),
      beforeAllowTraffic: resolvedString(
        input.hookNames.beforeAllowTraffic,
        'functions.beforeAllowTraffic.name',
      ),
      afterAllowTraffic: resolvedString(
        input.hookNames.afterAllowTraffic,
        'functions.afterAllowTraffic.name',
      ),
    },
    {
      stage: input.stage,
      containerName: resolvedString(input.containerName, 'params.containerName'),
      containerPort: portOf(
        resolvedString(input.containerPort, 'params.containerPort'),
        'params.containerPort',
      ),
    },
  );

const renderWithNames = (
  names: HookFunctionNames,
  input: Pick<AppspecInput, 'stage' | 'containerName' | 'containerPort'>,
): string => {
  const appspec = {
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: TASK_DEFINITION_PLACEHOLDER,
            LoadBalancerInfo: {
              ContainerName: input.containerName,
              ContainerPort: input.containerPort,
            },
          },
        },
      },
    ],
    Hooks: [
      { AfterAllowTestTraffic: names.afterAllowTestTraffic },
      { BeforeAllowTraffic: names.beforeAllowTraffic },
      { AfterAllowTraffic: names.afterAllowTraffic },
    ],
  };
  const header = [
    `# ECS appspec for stage "${input.stage}", rendered by \`ecs-bluegreen-hooks appspec --stage ${input.stage}\`.`,
    '# TaskDefinition is filled in by `aws ecs deploy --codedeploy-appspec` or the',
    '# amazon-ecs-deploy-task-definition GitHub action.',
  ].join('\n');
  // `version: 0.0` must stay a literal 0.0, which YAML would otherwise print as 0.
  return `${header}\n${stringify(appspec, { lineWidth: 0 }).replace(/^version: 0$/m, 'version: 0.0')}`;
};

/**
 * Renders the appspec of a stage from serverless.yml's params as written (the CLI's quick view,
 * without running the framework). A value that needs the framework to resolve (`${…}`) is an
 * error that points at `sls package`, which renders from the resolved configuration.
 */
export const renderStageAppspec = (projectRoot: string, stage: string): string => {
  const params = readStageParams(projectRoot, stage);
  return renderAppspec({
    serviceName: resolvedString(stringParam(params, 'serviceName'), 'params.serviceName'),
    stage,
    containerName: resolvedString(stringParam(params, 'containerName'), 'params.containerName'),
    containerPort: portOf(
      resolvedString(stringParam(params, 'containerPort'), 'params.containerPort'),
      'params.containerPort',
    ),
  });
};
