import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Settings } from '../../lib/config/settings.js';
import { silentLogger, type Logger } from '../../lib/log/logger.js';
import { startControlPlane, type ControlPlaneOptions } from '../../lib/control-plane/embedded/start-control-plane.js';

/**
 * Integration-test helpers of the embedded control plane (only its tests import this): a real
 * control plane on 127.0.0.1:0 whose folders can outlive it (restart tests), a controllable
 * clock, a loopback callback receiver, and a read-only look into the SQLite file.
 */

export const HARNESS_API_KEY = 'harness-control-plane-key';

export type HarnessOptions = Omit<ControlPlaneOptions, 'settings' | 'logger'> & {
  /** Reuse folders of an earlier control plane (same DATA_DIR and AUTOMATIONS_DIR). */
  root?: string;
  settings?: Record<string, string>;
  logger?: Logger;
};

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(options: HarnessOptions = {}) {
  const { root: givenRoot, settings: overrides, logger, ...controlPlaneOptions } = options;
  const root = givenRoot ?? (await mkdtemp(join(tmpdir(), 'control-plane-harness-')));
  const automationsDir = join(root, 'automations');
  await mkdir(automationsDir, { recursive: true });
  const settings = Settings.parse({
    API_KEY: HARNESS_API_KEY,
    DEPLOYMENT: 'dev',
    DATA_DIR: join(root, 'data'),
    AUTOMATIONS_DIR: automationsDir,
    ...overrides,
  });
  const controlPlane = await startControlPlane({
    settings,
    host: '127.0.0.1',
    port: 0,
    logger: logger ?? silentLogger,
    callbackTimeoutMs: 2_000,
    callbackRetryDelaysMs: [10, 10, 10, 10],
    ...controlPlaneOptions,
  });
  const { url } = controlPlane;

  /** fetch against the control plane, with the key unless the headers say otherwise. */
  const request = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('x-api-key')) headers.set('x-api-key', HARNESS_API_KEY);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return fetch(new URL(path, url), { ...init, headers, body: init.json === undefined ? init.body : JSON.stringify(init.json) });
  };

  return {
    root,
    url,
    settings,
    request,
    async writeRecording(name: string, inputParameters: Record<string, unknown[]> = { who: ['a'] }) {
      const automation = { url: 'about:blank', parameters: { input_parameters: inputParameters, generated_parameters: {} }, nodes: [] };
      await writeFile(join(automationsDir, `${name}.json`), JSON.stringify({ endpoint_name: name, automation }));
    },
    /** A new task of the endpoint; answers its id. */
    async createTask(endpointName: string, inputParameters: Record<string, unknown[]> = { who: ['a'] }): Promise<string> {
      const response = await request('/api/v1/inference', { method: 'POST', json: { endpoint_name: endpointName, input_parameters: inputParameters } });
      if (response.status !== 200) throw new Error(`inference answered ${response.status}: ${await response.text()}`);
      const answer = (await response.json()) as { task: string };
      return (JSON.parse(answer.task) as { task_id: string }).task_id;
    },
    /** Rows of a table, read through a second, read-only connection. */
    rows(table: 'tasks' | 'task_files' | 'uploaded_files' | 'callbacks' | 'idempotency_keys' | 'secrets', where = '1 = 1', ...params: unknown[]): Record<string, unknown>[] {
      const db = new Database(join(settings.DATA_DIR, 'control-plane.sqlite'), { readonly: true });
      try {
        return db.prepare(`SELECT * FROM ${table} WHERE ${where}`).all(...params) as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    /** Stops the control plane; its folders stay when `keepFiles` (for a restart on them). */
    async close(closeOptions: { keepFiles?: boolean } = {}) {
      await controlPlane.close();
      if (!closeOptions.keepFiles) await rm(root, { recursive: true, force: true });
    },
  };
}

/** A clock tests move by hand. */
export function createClock(start = Date.now()) {
  let current = start;
  return { now: () => new Date(current), advanceSeconds: (seconds: number) => void (current += seconds * 1000) };
}

export type ReceivedRequest = { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer };

/** A callback receiver on loopback: records every request and answers the next queued status (then 200). */
export async function startReceiver() {
  const received: ReceivedRequest[] = [];
  const statuses: number[] = [];
  /** Milliseconds to wait before answering, per request; for deliveries still under way. */
  const delays: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const status = statuses.shift() ?? 200;
      setTimeout(() => res.writeHead(status).end('ok'), delays.shift() ?? 0);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    statuses,
    delays,
    at: (path: string) => received.filter((request) => request.url === path),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
