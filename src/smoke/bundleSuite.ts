/**
 * Build-time half of the bundled suite: validates a suite file (failing the build with file,
 * line and field) and renders it as a JavaScript module of plain data for the Lambda bundle,
 * with tls.caFile read in, so nothing is looked up on disk at run time.
 */
import { readFileSync } from 'node:fs';
import { parseSuite } from './loadSuite';

export const renderBundledSuiteModule = (file: string, source: string): string => {
  const { document } = parseSuite(readFileSync(file, 'utf8'), file);
  return `module.exports = ${JSON.stringify({ source, document })};`;
};
