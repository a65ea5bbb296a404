import type { AddressInfo } from 'node:net';
import { WORKER_ROUTES } from '../../infra/local/worker-routes.js';
import { loadSettings, useSettings } from '../../lib/config/settings.js';
import { createNodeServer } from '../../lib/http/node-server.js';
import { silentLogger } from '../../lib/log/logger.js';
import { acceptTask } from '../../lib/worker/accept-task.js';
import { createLocalWorker, type LocalWorker } from '../../lib/worker/local-worker.js';
import { clearWorkerRuntime, setWorkerRuntime } from '../../lib/worker/runtime-registry.js';
import type { TaskRunner, TaskRunOutcome } from '../../lib/worker/task-runner.js';
import type { TestControlPlane } from './control-plane.js';
import { testOutbox } from './outbox.js';

export const ROUTES_TEST_API_KEY = 'worker-routes-test-key';

/**
 * A runner that holds every task until released (or stopped, as the worker's shutdown does):
 * these tests look at the HTTP side, not the browser.
 */
export function heldRunner() {
  const waiting: (() => void)[] = [];
  const started: string[] = [];
  const runner: TaskRunner = {
    run: async (accepted, { signal }) => {
      started.push(accepted.task.task_id);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (signal?.aborted) resolve();
        else signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      const outcome: TaskRunOutcome = { status: 'success', error: null, outputData: [], finalScreenshot: null, forLoopStatus: [], downloads: [] };
      return outcome;
    },
    close: async () => {},
  };
  return { runner, started, releaseAll: () => waiting.splice(0).forEach((release) => release()) };
}

/**
 * The worker's route table on a node:http server at 127.0.0.1:0, over a real local worker whose
 * tasks go to `cp` and whose runner holds them. Lighter than the whole worker: no browser.
 */
export async function startWorkerRoutesServer(cp: TestControlPlane, env: Record<string, string> = {}) {
  const loaded = loadSettings({ API_KEY: ROUTES_TEST_API_KEY, DEPLOYMENT: 'dev', SERVER_URL: cp.url, ...env });
  useSettings(loaded);
  const held = heldRunner();
  const worker: LocalWorker = createLocalWorker({
    controlPlane: cp.client,
    runner: held.runner,
    acceptTask,
    outbox: testOutbox(cp.client),
    logger: silentLogger,
    childProcessId: '0',
    keepTaskFiles: false,
    maxQueuedTasks: loaded.settings.MAX_QUEUED_TASKS,
  });
  setWorkerRuntime(worker);
  const server = createNodeServer([...WORKER_ROUTES], { logger: silentLogger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    worker,
    held,
    /** fetch with the right key unless `headers` says otherwise. */
    request(path: string, init: RequestInit & { json?: unknown } = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('x-api-key')) headers.set('x-api-key', ROUTES_TEST_API_KEY);
      if (init.json !== undefined) headers.set('content-type', 'application/json');
      return fetch(new URL(path, url), { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
    },
    async close() {
      held.releaseAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      const closing = worker.close({ graceSeconds: 1 });
      held.releaseAll();
      await closing;
      clearWorkerRuntime(worker);
    },
  };
}
