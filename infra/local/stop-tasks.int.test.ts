import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neverLoadingPage } from '../../test/support/never-loading-page.js';
import { startPageServer, type PageServer } from '../../test/support/page-server.js';
import { chromiumProcesses, eventually, launchedBrowserPids } from '../../test/support/processes.js';
import { recording } from '../../test/support/run-recording.js';
import { startTestWorker, type TestWorker } from '../../test/support/worker.js';

let pages: PageServer;
let worker: TestWorker;
/** Responses of the never-loading page, ended when the test file is done. */
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  pages = await startPageServer(
    { '/spin': '<!doctype html><title>Spin</title><script>for (;;) {}</script>' },
    {
      '/never': neverLoadingPage(hanging),
    },
  );
  worker = await startTestWorker({ KEEP_TASK_FILES: 'false' });
  const quiet = { take_final_screenshot: false };
  await worker.writeRecording('never_loads', recording(pages.url('/never'), [], { tag: [] }, quiet));
  await worker.writeRecording('spins', recording(pages.url('/spin'), [], { tag: [] }, quiet));
  await worker.writeRecording('quick', recording('about:blank', [], { tag: [] }, quiet));
});

afterAll(async () => {
  await worker?.close();
  for (const res of hanging) res.destroy();
  await pages?.close();
});

/** Creates the task on the control plane, then hands it to the worker as a master does. */
async function allocate(endpointName: string, tag: string, patch: Record<string, unknown> = {}): Promise<string> {
  const created = await worker.controlPlane('/api/v1/inference', { method: 'POST', json: { endpoint_name: endpointName, input_parameters: { tag: [tag] } } });
  expect(created.status).toBe(200);
  const task = { ...(JSON.parse(((await created.json()) as { task: string }).task) as Record<string, unknown>), ...patch };
  const allocated = await worker.worker('/allocate_task', { method: 'POST', json: [task] });
  expect(allocated.status).toBe(202);
  return String(task.task_id);
}

/** Calls /health until `done` settles; answers how long each call took. */
async function pollHealth(done: Promise<unknown>): Promise<{ status: number; ms: number }[]> {
  const calls: { status: number; ms: number }[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const started = performance.now();
    const response = await worker.worker('/health');
    await response.arrayBuffer();
    calls.push({ status: response.status, ms: performance.now() - started });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return calls;
}

const waitUntilRunning = () => eventually(() => worker.worker('/is_task_running').then((r) => r.json() as Promise<boolean>), (running) => running);

describe('a task past its max_timeout_in_minutes', () => {
  it('is stopped on a page that never finishes loading, ends killed with the original message, and /health answers throughout', async () => {
    const started = Date.now();
    const taskId = await allocate('never_loads', 'never', { max_timeout_in_minutes: 0.02 });
    const ended = worker.waitForTask(taskId);
    const health = await pollHealth(ended);
    const task = await ended;

    expect(task).toMatchObject({ status: 'killed', error: 'Automation timed out after 0.02 minutes in process' });
    // 1.2 s of limit, then the context closes and the pending navigation rejects at once; the
    // bound leaves room for a loaded machine and is still far below a load that never ends.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(health.length).toBeGreaterThanOrEqual(5);
    expect(health.every((call) => call.ms < 1_000)).toBe(true);
    expect(health.every((call) => call.status === 200 || call.status === 503)).toBe(true);
  });

  it('is stopped while the page spins in a script, the browser is recycled, and the next task runs in a new one', async () => {
    await expect(worker.waitForTask(await allocate('quick', 'warm'))).resolves.toMatchObject({ status: 'success' });
    const [before] = await launchedBrowserPids();
    expect(before).toBeDefined();

    const taskId = await allocate('spins', 'spin', { max_timeout_in_minutes: 0.02 });
    await expect(worker.waitForTask(taskId)).resolves.toMatchObject({ status: 'killed', error: 'Automation timed out after 0.02 minutes in process' });
    // Closed and not relaunched until a task needs it; nothing of it is left.
    expect(await eventually(() => chromiumProcesses([before ?? 0]), (left) => left.length === 0)).toEqual([]);

    await expect(worker.waitForTask(await allocate('quick', 'after-spin'))).resolves.toMatchObject({ status: 'success', error: null });
    const after = await launchedBrowserPids();
    expect(after).toHaveLength(1);
    expect(after).not.toContain(before);
  });
});

describe('POST /kill_task', () => {
  it('drops a queued task (reported cancelled), then stops the running one (cancelled too)', async () => {
    const runningId = await allocate('never_loads', 'to-kill-running');
    await waitUntilRunning();
    const queuedId = await allocate('quick', 'to-kill-queued');
    await expect(worker.worker('/health').then((r) => r.json())).resolves.toMatchObject({ task_running: true, queued_tasks: 1 });

    const first = await worker.worker('/kill_task', { method: 'POST', json: [queuedId] });
    expect(first.status).toBe(200);
    await expect(first.json()).resolves.toEqual({ success: true, message: 'Kill signal sent for 1 tasks' });
    await expect(worker.waitForTask(queuedId, 5_000)).resolves.toMatchObject({ status: 'cancelled', error: 'Task cancelled by user', started_at: null });
    await expect(worker.worker('/health').then((r) => r.json())).resolves.toMatchObject({ task_running: true, queued_tasks: 0 });

    const stoppedAt = Date.now();
    const second = await worker.worker('/kill_task', { method: 'POST', json: [runningId, 'not-a-task-here'] });
    await expect(second.json()).resolves.toEqual({ success: true, message: 'Kill signal sent for 2 tasks' });
    await expect(worker.waitForTask(runningId, 10_000)).resolves.toMatchObject({ status: 'cancelled', error: 'Task cancelled by user' });
    // The page never loads: without the kill this would run until the task's time limit.
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await expect(worker.worker('/is_task_running').then((r) => r.json())).resolves.toBe(false);
  });

  it('answers 422 naming the path of a body that is not an array of task ids', async () => {
    const response = await worker.worker('/kill_task', { method: 'POST', json: { task_id: 'x' } });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ success: false, problems: [{ path: '(body)' }] });
  });
});
