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

export const renderAppspec = (input: AppspecInput): string => {
  const names = functionNamesFor(input.serviceName, input.stage);
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

/** Renders the appspec of a stage defined in serverless.yml. */
export const renderStageAppspec = (projectRoot: string, stage: string): string => {
  const params = readStageParams(projectRoot, stage);
  const containerPort = Number(stringParam(params, 'containerPort'));
  if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535) {
    throw new ConfigError('Invalid stage parameter', [
      `params.containerPort must be a port number, got "${String(params.containerPort)}"`,
    ]);
  }
  return renderAppspec({
    serviceName: stringParam(params, 'serviceName'),
    stage,
    containerName: stringParam(params, 'containerName'),
    containerPort,
  });
};
