/**
 * The facts a suite may reference (`{{container.web.imageTag}}`), from the deployment and its new
 * task definition. Never cached: they belong to one deployment.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { Facts } from '../suite/facts';
import type { DeploymentView } from './readDeployment';

/** `repo/name:tag` or `repo/name@sha256:…` → the tag or digest. */
export const imageTag = (image: string): string => {
  const at = image.lastIndexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
};

export const factsOf = (
  deployment: Pick<DeploymentView, 'deploymentId' | 'revisionProblem'>,
  taskDefinition: TaskDefinition | Error | undefined,
): Facts => {
  const values: Record<string, string> = { 'deployment.id': deployment.deploymentId };
  if (taskDefinition instanceof Error || !taskDefinition) {
    const why =
      taskDefinition instanceof Error
        ? taskDefinition.message
        : `the revision could not be read (${deployment.revisionProblem ?? 'no task definition in its appspec'})`;
    return { values, unavailable: why };
  }
  values['taskDefinition.arn'] = taskDefinition.taskDefinitionArn ?? '';
  values['taskDefinition.family'] = taskDefinition.family ?? '';
  values['taskDefinition.revision'] = String(taskDefinition.revision ?? '');
  for (const c of taskDefinition.containerDefinitions ?? []) {
    if (!c.name) continue;
    if (c.image) {
      values[`container.${c.name}.image`] = c.image;
      values[`container.${c.name}.imageTag`] = imageTag(c.image);
    }
    for (const e of c.environment ?? []) {
      if (e.name && e.value !== undefined) values[`container.${c.name}.env.${e.name}`] = e.value;
    }
  }
  const names = (taskDefinition.containerDefinitions ?? []).map((c) => c.name).join(', ');
  return {
    values,
    unavailable: `task definition ${taskDefinition.family}:${taskDefinition.revision} has containers ${names}`,
  };
};
