/** Every relative link in the README and docs/ leads somewhere: the file exists, and so does the heading. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = join(__dirname, '../../..');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))].filter(
  (f) => f.endsWith('.md'),
);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string): Set<string> =>
  new Set(
    readFileSync(file, 'utf8')
      .replace(/```[\s\S]*?```/g, '')
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => slug(l.replace(/^#+ /, ''))),
  );

const linksOf = (file: string): string[] =>
  [
    ...readFileSync(join(ROOT, file), 'utf8')
      .replace(/```[\s\S]*?```/g, '')
      .matchAll(/\]\(([^)\s]+)\)/g),
  ]
    .map((m) => m[1] as string)
    .filter((href) => !/^[a-z]+:/i.test(href));

describe('documentation links', () => {
  it('has pages to check', () => {
    expect(pages.length).toBeGreaterThan(5);
  });

  it.each(pages)('every relative link in %s resolves', (page) => {
    const broken = linksOf(page).filter((href) => {
      const [path, anchor] = href.split('#') as [string, string | undefined];
      const target = path ? resolve(dirname(join(ROOT, page)), path) : join(ROOT, page);
      if (!existsSync(target)) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
