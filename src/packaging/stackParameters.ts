/**
 * The template's stack parameters take their defaults from stage params (resources/alarms.yml).
 * CloudFormation would refuse a default outside AllowedValues or AllowedPattern only at deploy
 * time, half-way through a change set; this refuses it at `sls package`, naming the parameter.
 */

interface StackParameter {
  readonly Default?: unknown;
  readonly AllowedValues?: readonly unknown[];
  readonly AllowedPattern?: string;
}

export const stackParameterProblems = (
  parameters: Readonly<Record<string, StackParameter>> | undefined,
): string[] =>
  Object.entries(parameters ?? {}).flatMap(([name, p]) => {
    if (p.Default === undefined) return [];
    const value = String(p.Default);
    if (p.AllowedValues && !p.AllowedValues.map(String).includes(value))
      return [
        `stack parameter ${name}: "${value}" is not one of ${p.AllowedValues.map((v) => `"${String(v)}"`).join(', ')} (set by its stage param)`,
      ];
    // CloudFormation matches AllowedPattern against the whole value.
    if (p.AllowedPattern && !new RegExp(`^(?:${p.AllowedPattern})$`).test(value))
      return [
        `stack parameter ${name}: "${value}" does not match ${p.AllowedPattern} (set by its stage param)`,
      ];
    return [];
  });
