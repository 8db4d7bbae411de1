/**
 * Package-time and CLI half of the service map: reads `config/<name>.yaml` and every suite it
 * names, with file and line in every error. Kept apart from serviceMap.ts so the Lambda bundle
 * carries no YAML parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import { lineOf, loadSuiteFile, parseYamlDocument, suiteFilePath } from '../suite/loadSuite';
import { entriesOf, type ServiceEntry } from './serviceMap';

export const serviceMapPath = (root: string, mapName: string): string =>
  join(root, 'config', `${mapName}.yaml`);

/** Reads and validates a map file and every suite it names (package time and the CLI). */
export const loadServiceMapFile = (root: string, mapName: string): ServiceEntry[] => {
  const file = serviceMapPath(root, mapName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read service map ${file}`, [String(error)], { cause: error });
  }
  const { doc, data, lineCounter } = parseYamlDocument(text, file);
  return entriesOf(
    data,
    file,
    (suite) => loadSuiteFile(suiteFilePath(root, suite)),
    (path) => lineOf(doc, lineCounter, file, path),
  );
};
