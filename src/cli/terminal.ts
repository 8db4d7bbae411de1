/**
 * Terminal output: colour only when stdout is a TTY (and NO_COLOR is unset), plain text
 * otherwise, and a progress line that rewrites itself on a TTY.
 */
import { styleText } from 'node:util';

export type Style = 'green' | 'red' | 'yellow' | 'cyan' | 'dim' | 'bold';

export interface Terminal {
  readonly colour: boolean;
  paint(style: Style, text: string): string;
  line(text?: string): void;
  /** A transient status line, replaced by the next one or by `line`. */
  progress(text: string): void;
}

export const createTerminal = (stream: NodeJS.WriteStream = process.stdout): Terminal => {
  const colour = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  let progressShown = false;
  // Without a TTY a progress line cannot be rewritten: print one a second at most.
  let lastPlainProgress = 0;
  const PLAIN_PROGRESS_EVERY_MS = 1_000;
  const clearProgress = () => {
    if (progressShown) stream.write('\r\x1b[2K');
    progressShown = false;
  };
  return {
    colour,
    paint: (style, text) => (colour ? styleText(style, text) : text),
    line: (text = '') => {
      clearProgress();
      stream.write(`${text}\n`);
    },
    progress: (text) => {
      if (stream.isTTY) {
        clearProgress();
        stream.write(text.slice(0, (stream.columns ?? 100) - 1));
        progressShown = true;
      } else if (performance.now() - lastPlainProgress >= PLAIN_PROGRESS_EVERY_MS) {
        lastPlainProgress = performance.now();
        stream.write(`${text}\n`);
      }
    },
  };
};

/** Pads columns to their widest cell. */
export const formatTable = (rows: readonly (readonly string[])[]): string[] => {
  const widths =
    rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
};
