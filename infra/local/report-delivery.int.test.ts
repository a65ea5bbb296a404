import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readTarGz } from '../../lib/artifacts/tar-gz.js';
import { startFakeControlPlane, type ReceivedRequest } from '../../test/support/fake-control-plane.js';
import { sendJson, startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { clickStep, extractionStep } from '../../test/support/steps.js';
import { tempDir } from '../../test/support/task-fixture.js';
import { startTestWorker, WORKER_TEST_API_KEY, type TestWorker } from '../../test/support/worker.js';

const TASK_API_KEY = 'task-api-key-123';
const REPORT_PATHS = ['/api/v1/start_task', '/api/v1/save_output_data', '/api/v1/request_download_upload_urls', '/api/v1/confirm_downloads', '/api/v1/save_trajectory', '/api/v1/complete_task', '/api/v1/initiate_callback'];
const isReport = (path: string) => REPORT_PATHS.includes(path) || path.startsWith('/bucket/');
/** The documented end-of-run calls, in their order (the uploads of this test's two files in between). */
const END_OF_RUN = [
  '/api/v1/save_output_data',
  '/api/v1/request_download_upload_urls',
  'PUT report.csv',
  'PUT final_screenshot.png',
  '/api/v1/confirm_downloads',
  '/api/v1/save_trajectory',
  '/api/v1/complete_task',
  '/api/v1/initiate_callback',
];
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let pages: PageServer;
let automation: Record<string, unknown>;

beforeAll(async () => {
  pages = await startPageServer(
    { '/portal': '<!doctype html><title>Portal</title><button onclick="fetch(\'/api/balance\')">Balance</button><a href="/report.csv">Report</a>' },
    {
      '/api/balance': (_req, res) => sendJson(res, 200, { balance: 12 }),
      '/report.csv': (_req, res) => void res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="report.csv"' }).end('a,b\n1,2\n'),
    },
  );
  automation = recording(pages.url('/portal'), [
    clickStep('get_by_role("button", name="Balance")'),
    extractionStep({ network_call: { url_pattern: '/api/balance' } }),
    clickStep('get_by_role("link", name="Report")', { expect_download: true }),
  ], { who: ['x'] });
});

afterAll(async () => {
  await pages?.close();
});

const pathsOf = (received: ReceivedRequest[]) => received.map((request) => (request.path.startsWith('/bucket/') ? `PUT ${request.path.split('/').at(-1) ?? ''}` : request.path));
const onlyOnce = (received: ReceivedRequest[]) => {
  const seen = pathsOf(received.filter((request) => isReport(request.path)));
  expect(new Set(seen).size).toBe(seen.length);
};

async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const completed = (received: ReceivedRequest[]) => received.find((request) => request.path === '/api/v1/complete_task');
const callbackSent = (received: ReceivedRequest[]) => received.find((request) => request.path === '/api/v1/initiate_callback');
const inference = { endpoint_name: 'portal', input_parameters: { who: ['ann'] }, task_callback_url: 'http://127.0.0.1:1/callback', task_callback_api_key: 'cb-key' };

describe('reports to a control plane that follows the documented protocol', () => {
  let worker: TestWorker | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  it('sends each call with its documented method, path, headers and body, in the documented order', async () => {
    const fake = await startFakeControlPlane({ automation, apiKey: TASK_API_KEY });
    try {
      worker = await startTestWorker({ SERVER_URL: fake.url, EMBEDDED_CONTROL_PLANE: 'off', KEEP_TASK_FILES: 'false' });
      const answer = await worker.worker('/inference', { method: 'POST', json: inference });
      expect(answer.status).toBe(202);
      await waitFor('the callback', () => callbackSent(fake.received));
      const received = fake.received;

      const [first] = received;
      expect(first).toMatchObject({ method: 'POST', path: '/api/v1/inference', headers: { 'x-api-key': WORKER_TEST_API_KEY } });
      expect(Object.keys(first?.json as object).sort()).toEqual(
        ['endpoint_name', 'input_parameters', 'is_dedicated', 'max_parallelism', 'max_timeout_in_minutes', 'per_login_parallelism', 'priority', 'rdp_parameter', 'secure_parameters', 'task_callback_api_key', 'task_callback_url', 'unique_parameter_names', 'use_proxy'].sort(),
      );
      const taskId = (received.find((request) => request.path === '/api/v1/start_task')?.json as { task_id: string }).task_id;

      // Every call after inference carries the task's own key, except the presigned uploads.
      for (const request of received.slice(1)) {
        if (request.path.startsWith('/bucket/')) expect(request.headers['x-api-key']).toBeUndefined();
        else expect(request.headers['x-api-key']).toBe(TASK_API_KEY);
      }

      const start = received.find((request) => request.path === '/api/v1/start_task');
      expect(start?.json).toEqual({ task_id: taskId, started_at: expect.stringMatching(ISO_WITH_OFFSET), allocated_at: expect.stringMatching(ISO_WITH_OFFSET) });
      const refetch = received.findIndex((request) => request.method === 'GET' && request.path === '/api/v1/recording/rec-1');
      expect(refetch).toBeGreaterThan(0);

      const end = pathsOf(received.slice(received.findIndex((request) => request.path === '/api/v1/save_output_data')));
      expect(end).toEqual(END_OF_RUN);
      expect(received.findIndex((request) => request.path === '/api/v1/save_output_data')).toBeGreaterThan(refetch);

      const output = received.find((request) => request.path === '/api/v1/save_output_data')?.json as Record<string, unknown>;
      expect(Object.keys(output).sort()).toEqual(['final_screenshot', 'for_loop_status', 'output_data', 'system_info', 'task_id', 'unique_child_arn']);
      expect(output.output_data).toEqual([{ json_data: { body: { balance: 12 } } }]);
      expect(output.system_info).toEqual([{ timestamp: expect.stringMatching(ISO_WITH_OFFSET), total_system_memory: expect.any(Number), total_system_memory_used: expect.any(Number) }]);

      expect(received.find((request) => request.path === '/api/v1/request_download_upload_urls')?.json).toEqual({ task_id: taskId, filenames: ['report.csv', 'final_screenshot.png'] });
      const upload = received.find((request) => request.path.endsWith('/report.csv'));
      expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, bytes: 8 });
      expect(received.find((request) => request.path.endsWith('/final_screenshot.png'))?.headers['content-type']).toBe('image/png');
      expect(received.find((request) => request.path === '/api/v1/confirm_downloads')?.json).toEqual({ task_id: taskId, filenames: ['report.csv', 'final_screenshot.png'] });

      const trajectory = received.find((request) => request.path === '/api/v1/save_trajectory');
      expect(trajectory?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(trajectory?.parts.map(({ name, filename, type }) => ({ name, filename, type }))).toEqual([
        { name: 'task_id', filename: null, type: null },
        { name: 'compressed_trajectory', filename: `${taskId}.tar.gz`, type: 'application/gzip' },
      ]);
      // A worker that keeps no task files writes its step folders as one archive: the trajectory
      // holds them as folders all the same, and not the archive.
      const packed = (await readTarGz(trajectory?.parts[1]?.content ?? Buffer.alloc(0))).map((file) => file.path);
      expect(packed).toEqual(expect.arrayContaining([`${taskId}/logs/steps.json`, `${taskId}/logs/step_0/state.json`, `${taskId}/logs/step_0/screenshot.png`, `${taskId}/logs/step_0/action_node.json`]));
      expect(packed.filter((path) => path.endsWith('.tar'))).toEqual([]);

      const complete = completed(received)?.json as Record<string, unknown>;
      expect(Object.keys(complete).sort()).toEqual(['child_process_id', 'completed_at', 'error', 'retry_count', 'status', 'task_id', 'token_usage', 'unique_child_arn']);
      expect(complete).toMatchObject({ task_id: taskId, status: 'success', error: null, retry_count: 1, child_process_id: 0, completed_at: expect.stringMatching(ISO_WITH_OFFSET) });

      expect(callbackSent(received)?.json).toEqual({ task_id: taskId, endpoint_name: 'portal', task_callback_url: 'http://127.0.0.1:1/callback', task_callback_api_key: 'cb-key', callback_url: null });
      onlyOnce(received);
    } finally {
      await fake.close();
    }
  });

  it('delivers every report exactly once when the control plane is down during start, uploads and complete, then back', async () => {
    const fake = await startFakeControlPlane({ automation, apiKey: TASK_API_KEY });
    try {
      worker = await startTestWorker({ SERVER_URL: fake.url, EMBEDDED_CONTROL_PLANE: 'off', OUTBOX_RETRY_BASE_SECONDS: '0.05', OUTBOX_RETRY_MAX_SECONDS: '0.3' });
      fake.refuseWhere(isReport);
      const answer = await worker.worker('/inference', { method: 'POST', json: inference });
      expect(answer.status).toBe(202);
      const running = worker;
      await waitFor('the run to end', () => running.logs.some((line) => line.msg === 'task finished'));
      await waitFor('a few failed deliveries', () => running.logs.filter((line) => line.msg === 'report not delivered, will retry').length >= 3);
      expect(fake.received.filter((request) => isReport(request.path))).toEqual([]);

      fake.refuseWhere(() => false);
      await waitFor('the callback', () => callbackSent(fake.received));
      expect(pathsOf(fake.received.filter((request) => isReport(request.path)))).toEqual(['/api/v1/start_task', ...END_OF_RUN]);
      expect((completed(fake.received)?.json as { status: string }).status).toBe('success');
    } finally {
      await fake.close();
    }
  });
});

/** A port nothing listens on right now, for a worker process that must come back on the same one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startWorkerProcess(envPath: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', '--port', String(port)], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, ENV_PATH: envPath, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitForHealth(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('worker process did not come up');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a worker process killed mid-delivery', () => {
  it('sends what was pending when it starts again', async () => {
    const fake = await startFakeControlPlane({ automation, apiKey: TASK_API_KEY });
    const root = tempDir('worker-restart-');
    const outboxDir = join(root, 'outbox');
    const envPath = join(root, 'worker.env');
    writeFileSync(
      envPath,
      [
        `API_KEY=${WORKER_TEST_API_KEY}`,
        'DEPLOYMENT=dev',
        `SERVER_URL=${fake.url}`,
        'EMBEDDED_CONTROL_PLANE=off',
        `DATA_DIR=${join(root, 'data')}`,
        `OUTBOX_DIR=${outboxDir}`,
        'OUTBOX_RETRY_BASE_SECONDS=0.05',
        'OUTBOX_RETRY_MAX_SECONDS=0.3',
        ...(process.env.CHROMIUM_PATH ? [`CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`] : []),
      ].join('\n'),
    );
    const port = await freePort();
    let child = startWorkerProcess(envPath, port);
    try {
      await waitForHealth(port);
      fake.refuseWhere(isReport);
      const answer = await fetch(`http://127.0.0.1:${port}/inference`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': WORKER_TEST_API_KEY }, body: JSON.stringify(inference) });
      expect(answer.status).toBe(202);
      const pendingKinds = () =>
        readdirSync(outboxDir)
          .filter((name) => name.endsWith('.json'))
          .map((name) => (JSON.parse(readFileSync(join(outboxDir, name), 'utf8')) as { kind: string }).kind);
      await waitFor('complete_task in the outbox', () => pendingKinds().includes('complete_task'));

      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      fake.refuseWhere(() => false);
      child = startWorkerProcess(envPath, port);
      await waitFor('the callback after the restart', () => callbackSent(fake.received));
      const reports = pathsOf(fake.received.filter((request) => isReport(request.path)));
      expect(reports).toEqual(expect.arrayContaining(['/api/v1/start_task', '/api/v1/save_output_data', 'PUT report.csv', '/api/v1/confirm_downloads', '/api/v1/save_trajectory', '/api/v1/complete_task']));
      onlyOnce(fake.received);
      // The last entry's file goes once its answer is in, just after the callback arrived.
      await waitFor('an empty outbox', () => pendingKinds().length === 0);
    } finally {
      child.kill('SIGTERM');
      await fake.close();
    }
  }, 60_000);
});
