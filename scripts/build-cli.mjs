// Bundles the CLI into dist/cli.js. Runs on `npm ci` / `npm install` (the `prepare` script), so
// `npx ecs-bluegreen-hooks` works right after installing.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Loaded from node_modules at run time, as in any installed CLI.
  packages: 'external',
  logLevel: 'warning',
});
