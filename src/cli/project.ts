/** Where the CLI finds serverless.yml and config/: the project it was installed from. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readStageParams, stringParam } from '../config/stageParams';
import { loadSuiteFile, suiteFilePath } from '../suite/loadSuite';
import type { Suite } from '../suite/schema';

/** The nearest folder holding serverless.yml, from the working directory up, else the package's. */
export const findProjectRoot = (start = process.cwd()): string => {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'serverless.yml')) && existsSync(join(dir, 'config'))) return dir;
    if (dirname(dir) === dir) return resolve(__dirname, '..');
  }
};

/** The suite a stage bundles into its hooks (params.smokeSuite), or an explicit file. */
export const loadStageSuite = (projectRoot: string, stage: string, file?: string): Suite =>
  loadSuiteFile(
    file ??
      suiteFilePath(projectRoot, stringParam(readStageParams(projectRoot, stage), 'smokeSuite')),
  );
