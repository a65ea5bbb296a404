import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { startTestWorker, type TestWorker } from '../../test/support/worker.js';

let pages: PageServer;
let worker: TestWorker;

beforeAll(async () => {
  pages = await startPageServer(
    { '/review': '<!doctype html><title>Review</title><button onclick="fetch(\'/api/approved\')">Approve</button>' },
    { '/api/approved': (_req, res) => sendJson(res, 200, { ok: true }) },
  );
  worker = await startTestWorker();
  await worker.writeRecording(
    'review',
    recording(
      pages.url('/review'),
      [
        { type: 'action_node', human_in_loop_action: { max_wait_time: 20 } },
        { type: 'action_node', end_sleep_time: 0.2, interaction_action: { click_element: { command: 'get_by_role("button", name="Approve")' } } },
      ],
      { case_id: ['x'] },
      { take_final_screenshot: false },
    ),
  );
});

afterAll(async () => {
  await worker?.close();
  await pages?.close();
});

async function waitForHuman(taskId: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const task = (await (await worker.controlPlane(`/api/v1/tasks/${taskId}`)).json()) as Record<string, unknown>;
    if (task.waiting_for_human_since) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} never asked for a person (status ${String(task.status)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a human_in_loop step over HTTP', () => {
  it('shows the task waiting for a person on the control plane, and goes on after POST /human_in_loop_completed', async () => {
    const response = await worker.worker('/inference', { method: 'POST', json: { endpoint_name: 'review', input_parameters: { case_id: ['c-7'] } } });
    expect(response.status).toBe(202);
    const { task_id: taskId } = (await response.json()) as { task_id: string };

    const waiting = await waitForHuman(taskId);
    expect(waiting.status).toBe('running');
    expect(pages.requests.filter((r) => r.path === '/api/approved')).toHaveLength(0);
    expect(await (await worker.worker(`/hitl_status?task_id=${taskId}`)).json()).toEqual({ completed: false });

    const done = await worker.worker('/human_in_loop_completed', { method: 'POST', json: { task_id: taskId } });
    expect(await done.json()).toEqual({ success: true });
    const task = await worker.waitForTask(taskId);
    expect(task).toMatchObject({ status: 'success', error: null, waiting_for_human_since: null });
    expect(pages.requests.filter((r) => r.path === '/api/approved')).toHaveLength(1);
  });

  it('answers 422 naming task_id for a bad body or query', async () => {
    const bad = await worker.worker('/human_in_loop_completed', { method: 'POST', json: { task: 'x' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('task_id');
    const query = await worker.worker('/hitl_status');
    expect(query.status).toBe(422);
  });
});
