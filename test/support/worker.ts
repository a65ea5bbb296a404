import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../lib/config/settings.js';
import { createLogger } from '../../lib/log/logger.js';
import { startWorker } from '../../infra/local/start-worker.js';

export const WORKER_TEST_API_KEY = 'worker-test-api-key';

export type TestWorker = Awaited<ReturnType<typeof startTestWorker>>;

/**
 * The local worker as `npm start` runs it (embedded control plane unless `env` says otherwise),
 * on ports the OS picks, over temporary folders. Log lines are kept for assertions.
 */
export async function startTestWorker(env: Record<string, string> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'worker-test-'));
  const automationsDir = join(root, 'automations');
  await mkdir(automationsDir, { recursive: true });
  const loaded = loadSettings({
    API_KEY: WORKER_TEST_API_KEY,
    DEPLOYMENT: 'dev',
    SERVER_URL: 'http://127.0.0.1:0',
    DATA_DIR: join(root, 'data'),
    AUTOMATIONS_DIR: automationsDir,
    CONTROL_PLANE_TIMEOUT_SECONDS: '5',
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const worker = await startWorker({ loaded, host: '127.0.0.1', port: 0, childProcessId: '0', logger });
  const controlPlaneUrl = worker.controlPlaneUrl ?? loaded.settings.SERVER_URL;
  const call = (base: string) => (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('x-api-key')) headers.set('x-api-key', WORKER_TEST_API_KEY);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return fetch(new URL(path, base), { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
  };
  return {
    workerUrl: worker.workerUrl,
    controlPlaneUrl,
    logs,
    /** The worker's start-up warm-up (its task thread started and loaded) is done. */
    warmedUp: worker.warmedUp,
    /** A request to the worker. */
    worker: call(worker.workerUrl),
    /** A request to the control plane, with the key. */
    controlPlane: call(controlPlaneUrl),
    async writeRecording(name: string, automation: unknown) {
      await writeFile(join(automationsDir, `${name}.json`), JSON.stringify({ endpoint_name: name, automation }));
    },
    /** Polls the control plane until the task has ended (or `timeoutMs` passes). */
    async waitForTask(taskId: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await call(controlPlaneUrl)(`/api/v1/tasks/${taskId}`);
        const task = (await response.json()) as Record<string, unknown>;
        if (['success', 'failed', 'cancelled', 'killed'].includes(String(task.status))) return task;
        if (Date.now() > deadline) throw new Error(`task ${taskId} still ${String(task.status)} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await worker.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
