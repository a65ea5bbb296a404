// Builds the local entry points into dist/ with esbuild. Dependencies stay in node_modules
// (native better-sqlite3, the Chromium archive inside @sparticuz/chromium).
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const handlers = readdirSync('handlers')
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  .map((name) => `handlers/${name}`);

await build({
  entryPoints: [
    // The task thread, where threaded-task-runner.ts looks for it from the bundles of dist/infra/ (worker, CLI).
    { in: 'lib/worker/thread/task-thread.ts', out: 'infra/local/task-thread' },
    'infra/local/main.ts', 'infra/local/control-plane.ts', 'infra/local/invoke-event.ts', 'infra/local/validate.ts', 'infra/cli/main.ts', ...handlers],
  outdir: 'dist',
  outbase: '.',
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
});
