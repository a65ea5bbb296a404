// Starts the task thread from a source checkout (tests, tsx): task-thread.ts and what it imports
// are bundled with esbuild, as infra/build.mjs bundles them into dist/, and the bundle is loaded.
// One file loads in a third of the time tsx takes to compile and resolve each module in turn, a
// time every new worker's thread would pay. A built worker starts dist's task-thread.js directly.
import { rmSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { threadId, workerData } from 'node:worker_threads';
import { build, stop } from 'esbuild';

const { outputFiles } = await build({
  entryPoints: [fileURLToPath(workerData.entry)],
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  write: false,
  logLevel: 'warning',
});
await stop();
// Inside the checkout, so that the packages the bundle leaves external resolve from its node_modules.
const folder = new URL('../../../node_modules/.cache/task-thread/', import.meta.url);
await mkdir(folder, { recursive: true });
await removeLeftovers();
const bundle = new URL(`${process.pid}-${threadId}.mjs`, folder);
await writeFile(bundle, outputFiles[0].contents);
try {
  await import(bundle.href);
} finally {
  // At once, before the thread takes its first message (a close may end it right after): the
  // loaded file is not read again, and the packages it imports later resolve from its path.
  rmSync(bundle, { force: true });
}

/** Bundles of processes that ended while their thread was loading (`{pid}-{threadId}.mjs`). */
async function removeLeftovers() {
  for (const name of await readdir(folder)) {
    const pid = Number(/^(\d+)-\d+\.mjs$/.exec(name)?.[1]);
    if (pid && !isRunning(pid)) await rm(new URL(name, folder), { force: true });
  }
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}
