import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../../test/support/control-plane.js';
import { eventually } from '../../test/support/processes.js';
import { recording } from '../../test/support/run-recording.js';
import { makeTask, tempDir } from '../../test/support/task-fixture.js';
import { listProcesses } from '../../lib/automation/browser/browser-process.js';

let cp: TestControlPlane;
/** Each worker's env file and data folder. */
const scratch = tempDir('shutdown-test-');

beforeAll(async () => {
  cp = await startTestControlPlane();
  const quiet = { take_final_screenshot: false };
  await cp.writeRecording('slow', recording('about:blank', [{ type: 'action_node', sleep_action: { sleep_time: 1.5 } }], { tag: [] }, quiet));
  await cp.writeRecording('stuck', recording('about:blank', [{ type: 'action_node', sleep_action: { sleep_time: 60 } }], { tag: [] }, quiet));
  await cp.writeRecording('quick', recording('about:blank', [], { tag: [] }, quiet));
});

afterAll(async () => {
  await cp?.close();
  rmSync(scratch, { recursive: true, force: true });
});

type Worker = { child: ChildProcess; url: string; logs: Record<string, unknown>[]; exited: Promise<number | null> };

/** `npm start` as a real process, against the test's control plane, on a port the OS picks. */
async function startWorkerProcess(graceSeconds: number): Promise<Worker> {
  const dir = join(scratch, `grace-${graceSeconds}`);
  const envPath = `${dir}.env`;
  const settings = [
    `API_KEY=${TEST_API_KEY}`,
    'DEPLOYMENT=dev',
    `SERVER_URL=${cp.url}`,
    'EMBEDDED_CONTROL_PLANE=off',
    `DATA_DIR=${join(dir, 'data')}`,
    'KEEP_TASK_FILES=false',
    `SHUTDOWN_GRACE_SECONDS=${graceSeconds}`,
    ...(process.env.CHROMIUM_PATH ? [`CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`] : []),
  ];
  writeFileSync(envPath, `${settings.join('\n')}\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', '--port', '0'], {
    cwd: new URL('../..', import.meta.url),
    env: { ...process.env, ENV_PATH: envPath, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logs: Record<string, unknown>[] = [];
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'worker listening') resolve(String(entry.url));
      } catch {
        logs.push({ msg: line });
      }
    });
    void exited.then((code) => reject(new Error(`worker exited with ${code} before listening: ${JSON.stringify(logs)}`)));
  });
  return { child, url: await listening, logs, exited };
}

const post = (worker: Worker, path: string, json: unknown) =>
  fetch(new URL(path, worker.url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': TEST_API_KEY }, body: JSON.stringify(json) });
const infer = async (worker: Worker, endpointName: string, tag: string) => {
  const response = await post(worker, '/inference', { endpoint_name: endpointName, input_parameters: { tag: [tag] } });
  expect(response.status).toBe(202);
  return ((await response.json()) as { task_id: string }).task_id;
};
const taskOf = async (taskId: string) => (await bodyOf(await cp.request(`/api/v1/tasks/${taskId}`))) as Record<string, unknown>;
const isRunning = (worker: Worker) => eventually(() => fetch(new URL('/is_task_running', worker.url), { headers: { 'x-api-key': TEST_API_KEY } }).then((r) => r.json() as Promise<boolean>), Boolean);
const logged = (worker: Worker, msg: string) => eventually(async () => worker.logs.some((entry) => entry.msg === msg), Boolean);

/** The browsers the worker process launched (children carrying the launch switch). */
async function browsersOf(pid: number | undefined): Promise<number[]> {
  return (await listProcesses()).filter((info) => info.ppid === pid && /chrom/i.test(info.name)).map((info) => info.pid);
}

describe('SIGTERM', () => {
  it('stops taking tasks (503), lets the running one finish, cancels the queued one, reports both, exits 0', async () => {
    const worker = await startWorkerProcess(30);
    const slowId = await infer(worker, 'slow', 'drain');
    expect(await isRunning(worker)).toBe(true);
    const queuedId = await infer(worker, 'quick', 'queued');
    const browsers = await eventually(() => browsersOf(worker.child.pid), (pids) => pids.length === 1);

    worker.child.kill('SIGTERM');
    await logged(worker, 'shutting down');
    const refused = await post(worker, '/inference', { endpoint_name: 'quick', input_parameters: { tag: ['late'] } });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ success: false, error: 'The worker is shutting down and takes no new tasks' });
    expect((await post(worker, '/allocate_task', [makeTask({ automation: recording('about:blank', []) })])).status).toBe(503);
    await expect(fetch(new URL('/health', worker.url)).then((r) => r.json())).resolves.toMatchObject({ status: 'healthy', task_running: true, queued_tasks: 0 });

    expect(await worker.exited).toBe(0);
    expect(await taskOf(slowId)).toMatchObject({ status: 'success', error: null });
    expect(await taskOf(queuedId)).toMatchObject({ status: 'cancelled', error: 'The worker shut down before the task started', started_at: null });
    expect((await listProcesses()).filter((info) => browsers.includes(info.pid) || browsers.includes(info.pgid))).toEqual([]);
  });

  it('stops the running task as killed once the grace period is over, reports it, and exits 0', async () => {
    const worker = await startWorkerProcess(0.5);
    const stuckId = await infer(worker, 'stuck', 'grace');
    expect(await isRunning(worker)).toBe(true);

    const signalledAt = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(await taskOf(stuckId)).toMatchObject({ status: 'killed', error: 'The worker shut down: the task did not finish within the 0.5 s grace period' });
  });
});
