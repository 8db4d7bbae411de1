/**
 * The two facts the hooks need from an ECS appspec (YAML or JSON): the task definition green runs
 * and the container the target groups route to. Read with two patterns rather than a YAML parser:
 * the parser would add ~110 KB to every cold start for two scalars whose shape the appspec
 * format fixes (`TaskDefinition: <arn>`, `ContainerName: <name>`, quoted or not).
 */
export interface AppspecFacts {
  readonly taskDefinition?: string;
  readonly containerName?: string;
}

const scalar = (content: string, key: string): string | undefined => {
  const match = new RegExp(`["']?${key}["']?\\s*:\\s*["']?([^"'\\s,}]+)`).exec(content);
  return match?.[1];
};

export const readAppspecFacts = (content: string): AppspecFacts => {
  const taskDefinition = scalar(content, 'TaskDefinition');
  const containerName = scalar(content, 'ContainerName');
  return {
    ...(taskDefinition && { taskDefinition }),
    ...(containerName && { containerName }),
  };
};
