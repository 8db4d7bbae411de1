/**
 * Reads a stage's parameters from serverless.yml (`params.default` overlaid with `params.<stage>`)
 * for the tools that run outside Serverless: the appspec renderer and the CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../errors';

export type StageParams = Readonly<Record<string, unknown>>;

export const readStageParams = (projectRoot: string, stage: string): StageParams => {
  const file = join(projectRoot, 'serverless.yml');
  let params: Record<string, Record<string, unknown> | undefined>;
  try {
    params = (parse(readFileSync(file, 'utf8')) as { params?: typeof params }).params ?? {};
  } catch (error) {
    throw new ConfigError(`Cannot read stage params from ${file}`, [String(error)], {
      cause: error,
    });
  }
  return { ...params.default, ...params[stage] };
};

export const stringParam = (params: StageParams, name: string): string => {
  const value = params[name];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ConfigError('Missing stage parameter', [
      `params.${name} is not set in serverless.yml`,
    ]);
  }
  return String(value);
};
