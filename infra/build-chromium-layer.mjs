// Builds the task runner's Lambda layer from node_modules, offline: @sparticuz/chromium (its
// brotli-packed Chromium) and playwright-core, with what they depend on, under
// dist/layers/chromium/nodejs/node_modules. The Node.js 18+ Lambda runtimes resolve ES module
// imports through NODE_PATH, which includes /opt/nodejs/node_modules, so the bundle that marks
// these packages external finds them there.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOTS = ['@sparticuz/chromium', 'playwright-core'];
const OUT = resolve('dist/layers/chromium/nodejs/node_modules');

/** Node's lookup: the nearest node_modules/<name> from `fromDir` upwards. */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const seen = new Map();
function collect(name, fromDir, optional) {
  const dir = packageDir(name, fromDir);
  if (!dir) {
    // Optional dependencies of other platforms (bare-fs and the like) are not installed here.
    if (optional) return;
    throw new Error(`${name} is not installed (needed from ${fromDir}); run npm ci first`);
  }
  if (seen.has(dir)) return;
  seen.set(dir, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) collect(dep, dir, false);
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) collect(dep, dir, true);
  for (const [dep, meta] of Object.entries(manifest.peerDependenciesMeta ?? {})) if (!meta.optional) collect(dep, dir, false);
}

for (const name of ROOTS) collect(name, process.cwd(), false);
rmSync(OUT, { recursive: true, force: true });
for (const [dir] of seen) {
  // Nested copies keep their place under their parent, so each package resolves the version it was installed with.
  const relative = dir.slice(resolve('node_modules').length + 1);
  cpSync(dir, join(OUT, relative), { recursive: true, dereference: true });
}
process.stdout.write(`chromium layer: ${seen.size} packages in ${OUT}\n`);
