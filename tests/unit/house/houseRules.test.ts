/**
 * The rules of the house, read from the imports themselves (see docs/project-layout.md):
 * - the suite language, the probe, the engine and traffic analysis import no controller, no AWS
 *   client builder, no stand-in, no CLI and nothing that only packaging runs;
 * - Lambda code (everything the handlers reach) imports nothing from local/, cli/, rehearsal/
 *   or packaging/;
 * - no import circles, type imports included (a type circle is a design circle too);
 * - no module over 250 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '../../..');
const SRC = join(ROOT, 'src');

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });

interface Edge {
  readonly to: string;
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

const resolveImport = (from: string, spec: string): string => {
  const base = resolve(dirname(from), spec);
  return base.endsWith('.ts') ? base : `${base}.ts`;
};

const edgesOf = (file: string): Edge[] =>
  [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => ({
    to: resolveImport(file, (m[3] ?? m[4]) as string),
  }));

const files = [...walk(SRC), ...walk(join(ROOT, 'handlers'))];
const graph = new Map(files.map((f) => [f, edgesOf(f)]));
const rel = (f: string) => relative(ROOT, f);
const room = (f: string) => rel(f).split('/').slice(0, 2).join('/');

/**
 * What the rooms that judge green may import: no controller, AWS client, stand-in, CLI or
 * packaging. (`src/errors.ts` is a room of its own: the product's error classes.)
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'src/suite': ['src/suite', 'src/analysis', 'src/time', 'src/errors.ts'],
  'src/analysis': ['src/analysis'],
  'src/probe': ['src/probe', 'src/suite', 'src/time', 'src/errors.ts'],
  'src/engine': [
    'src/engine',
    'src/suite',
    'src/probe',
    'src/traffic',
    'src/time',
    'src/errors.ts',
  ],
  'src/traffic': [
    'src/traffic',
    'src/analysis',
    'src/suite',
    'src/probe',
    'src/engine',
    'src/time',
    'src/errors.ts',
  ],
};
const NOT_IN_LAMBDAS = ['src/local', 'src/cli', 'src/rehearsal', 'src/packaging'];

describe('rules of the house', () => {
  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(60);
    for (const [f, edges] of graph) {
      for (const e of edges)
        expect([rel(f), graph.has(e.to) ? 'found' : rel(e.to)]).toEqual([rel(f), 'found']);
    }
  });

  it('the suite, the probe, the engine, traffic and analysis import only what their README allows', () => {
    const broken = [...graph].flatMap(([f, edges]) => {
      const allowed = ALLOWED[room(f)];
      return allowed
        ? edges.filter((e) => !allowed.includes(room(e.to))).map((e) => `${rel(f)} -> ${rel(e.to)}`)
        : [];
    });
    expect(broken).toEqual([]);
  });

  it('Lambda code imports nothing from local/, cli/, rehearsal/ or packaging/', () => {
    const seen = new Set<string>();
    const path = new Map<string, string>();
    const queue = files.filter((f) => rel(f).startsWith('handlers/'));
    for (const h of queue) path.set(h, rel(h));
    while (queue.length > 0) {
      const f = queue.shift() as string;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const e of graph.get(f) ?? []) {
        if (!path.has(e.to)) path.set(e.to, `${path.get(f)} -> ${rel(e.to)}`);
        queue.push(e.to);
      }
    }
    const reached = [...seen]
      .filter((f) => NOT_IN_LAMBDAS.includes(room(f)))
      .map((f) => path.get(f));
    expect(reached).toEqual([]);
  });

  it('the alarm function does not bundle the suite schema', () => {
    const seen = new Set<string>();
    const queue = [join(ROOT, 'handlers', 'alarmRollback.ts')];
    while (queue.length > 0) {
      const f = queue.shift() as string;
      if (seen.has(f)) continue;
      seen.add(f);
      queue.push(...(graph.get(f) ?? []).map((e) => e.to));
    }
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen].map(rel).filter((f) => f.startsWith('src/suite/schema'))).toEqual([]);
  });

  it('has no import circles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const e of graph.get(f) ?? []) {
        if (state.get(e.to) === 'open') {
          cycles.push([...stack.slice(stack.indexOf(e.to)), e.to].map(rel).join(' -> '));
        } else if (!state.has(e.to)) visit(e.to);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('has no module over 250 lines', () => {
    const long = files
      .map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 250)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(long).toEqual([]);
  });

  it('each room says what it holds and may import', () => {
    const rooms = readdirSync(SRC).filter((d) => statSync(join(SRC, d)).isDirectory());
    const silent = rooms.filter((d) => {
      try {
        return !/may import/i.test(readFileSync(join(SRC, d, 'README.md'), 'utf8'));
      } catch {
        return true;
      }
    });
    expect(silent).toEqual([]);
  });
});
