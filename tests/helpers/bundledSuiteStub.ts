/** Jest's stand-in for the 'smoke-suite' module that esbuild bundles: the default suite's file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const source = join('config', 'suites', 'default.yaml');
export default {
  source,
  document: parse(readFileSync(join(__dirname, '..', '..', source), 'utf8')),
};
