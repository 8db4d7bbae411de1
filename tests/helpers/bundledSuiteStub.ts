/** Jest's stand-in for the 'smoke-suite' module that esbuild bundles: the default suite's file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { BundledConfig } from '../../src/packaging/bundleSuite';

const source = join('config', 'suites', 'default.yaml');
const config: BundledConfig = {
  source,
  document: parse(readFileSync(join(__dirname, '..', '..', source), 'utf8')),
};
export default config;
