/** `appspec`: prints (or writes) a stage's appspec.yaml. */
import { writeFileSync } from 'node:fs';
import { renderStageAppspec } from '../../packaging/renderAppspec';
import { EXIT } from '../errors';
import { findProjectRoot } from '../project';
import type { Terminal } from '../terminal';

export const runAppspecCommand = (
  options: { stage: string; out?: string },
  term: Terminal,
): number => {
  const text = renderStageAppspec(findProjectRoot(), options.stage);
  if (options.out) writeFileSync(options.out, text);
  else process.stdout.write(text);
  if (options.out) term.line(`Wrote ${options.out} for stage ${options.stage}`);
  return EXIT.ok;
};
