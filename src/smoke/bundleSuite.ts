/**
 * Build-time half of the bundled suite: validates a suite file (failing the build with file,
 * line and field) and renders it as a JavaScript module of plain data for the Lambda bundle.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseSuiteYaml } from './loadSuite';

export const renderBundledSuiteModule = (file: string, source: string): string => {
  const text = readFileSync(file, 'utf8');
  parseSuiteYaml(text, source);
  return `module.exports = ${JSON.stringify({ source, document: parse(text) })};`;
};
