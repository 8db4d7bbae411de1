/**
 * Build-time half of the bundled configuration: validates the stage's suite (or service map and
 * every suite it names), failing the build with file, line and field, and renders it as a
 * JavaScript module of plain data for the Lambda bundle, with tls.caFile read in, so nothing is
 * looked up on disk and no YAML is parsed at run time.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { loadServiceMapFile, serviceMapPath } from '../config/loadServiceMap';
import { parseSuite, parseYamlDocument, suiteFilePath } from '../suite/loadSuite';

export interface BundledSuite {
  readonly source: string;
  readonly document: unknown;
}

export interface BundledConfig extends BundledSuite {
  /** With a service map: the map and the suites it names, by name. */
  readonly serviceMap?: {
    readonly source: string;
    readonly document: unknown;
    readonly suites: Readonly<Record<string, BundledSuite>>;
  };
}

const bundleSuite = (root: string, name: string): BundledSuite => {
  const file = suiteFilePath(root, name);
  const { document } = parseSuite(readFileSync(file, 'utf8'), file);
  return { source: relative(root, file), document };
};

export const renderBundledSuiteModule = (
  root: string,
  suiteName: string,
  mapName?: string,
): string => {
  const config: BundledConfig = {
    ...bundleSuite(root, suiteName),
    ...(mapName && {
      serviceMap: (() => {
        const file = serviceMapPath(root, mapName);
        loadServiceMapFile(root, mapName); // every problem, with file and line
        const { data } = parseYamlDocument(readFileSync(file, 'utf8'), file);
        const names = [
          ...new Set((data as { services: Array<{ suite: string }> }).services.map((s) => s.suite)),
        ];
        return {
          source: relative(root, file),
          document: data,
          suites: Object.fromEntries(names.map((n) => [n, bundleSuite(root, n)])),
        };
      })(),
    }),
  };
  return `module.exports = ${JSON.stringify(config)};`;
};
