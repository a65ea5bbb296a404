import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { MALLOC_ENV, NODE_FLAGS } from '../infra/memory-tuning.js';

const API_KEY = 'bench-worker-api-key';
/**
 * Three levels below the repository, as dist/infra/local/main.js: the code finds examples/ from
 * there, and the worker its task thread in ../local/.
 */
const BUILD_ROOT = fileURLToPath(new URL('./.build/', import.meta.url));
const BUILD_DIR = join(BUILD_ROOT, 'local');

export type WorkerChild = Awaited<ReturnType<typeof startWorkerChild>>;

/**
 * bench/worker-process.ts bundled as `npm start` bundles the worker (esbuild, packages external)
 * and run by plain `node`, so that its memory and its event loop hold the worker alone, not tsx
 * and not the benchmark's load generator.
 */
export async function startWorkerChild(options: { controlPlane?: { url: string; apiKey: string }; tuned?: boolean } = {}) {
  const outfile = join(BUILD_DIR, 'worker-process.js');
  // With the task thread next to it, as infra/build.mjs lays out dist/infra/local/.
  await build({
    entryPoints: [
      { in: fileURLToPath(new URL('./worker-process.ts', import.meta.url)), out: 'worker-process' },
      { in: fileURLToPath(new URL('../lib/worker/thread/task-thread.ts', import.meta.url)), out: 'task-thread' },
    ],
    outdir: BUILD_DIR,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
  });
  const root = await mkdtemp(join(tmpdir(), 'bench-worker-'));
  await mkdir(join(root, 'automations'), { recursive: true });
  // Started as `npm start` starts the worker (infra/memory-tuning.ts), unless asked not to.
  const tuned = options.tuned !== false;
  const child: ChildProcess = spawn(process.execPath, [...(tuned ? NODE_FLAGS : []), outfile], {
    env: {
      ...process.env,
      ...(tuned ? MALLOC_ENV : {}),
      BENCH_WORKER_ROOT: root,
      BENCH_WORKER_API_KEY: options.controlPlane?.apiKey ?? API_KEY,
      ...(options.controlPlane ? { BENCH_SERVER_URL: options.controlPlane.url } : {}),
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ workerUrl: string; controlPlaneUrl?: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the worker process exited (${String(code)}) before it listened`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { workerUrl: string; controlPlaneUrl?: string }));
  });
  const call = (base: string) => (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('x-api-key')) headers.set('x-api-key', options.controlPlane?.apiKey ?? API_KEY);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return fetch(new URL(path, base), { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
  };
  const worker = call(ready.workerUrl);
  const controlPlane = call(ready.controlPlaneUrl ?? options.controlPlane?.url ?? '');
  return {
    ...ready,
    pid: child.pid ?? 0,
    worker,
    controlPlane,
    async writeRecording(name: string, automation: unknown) {
      await writeFile(join(root, 'automations', `${name}.json`), JSON.stringify({ endpoint_name: name, automation }));
    },
    /** POST /inference; answers the task id. */
    async submit(endpointName: string, inputParameters: Record<string, string[]> = {}): Promise<string> {
      const response = await worker('/inference', { method: 'POST', json: { endpoint_name: endpointName, input_parameters: inputParameters } });
      if (response.status !== 202) throw new Error(`/inference answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { task_id: string }).task_id;
    },
    async health(): Promise<{ status: string; task_running: boolean; queued_tasks: number }> {
      type Health = { status: string; task_running: boolean; queued_tasks: number };
      // Asked again once on a fresh connection: a pooled one left idle through a load run may be
      // closed by the server just as it is reused.
      const response = await worker('/health').catch(() => worker('/health'));
      return response.json() as Promise<Health>;
    },
    /** The worker process's own resident memory (its Chromium runs in child processes, not counted). */
    async rssBytes(): Promise<number> {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
      return kb * 1024;
    },
    async close() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      await rm(root, { recursive: true, force: true });
      await rm(BUILD_ROOT, { recursive: true, force: true });
    },
  };
}
