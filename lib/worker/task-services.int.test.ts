import { isMainThread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateNodeRegistry } from '../automation/private-nodes/private-node-registry.js';
import { loadSettings } from '../config/settings.js';
import { silentLogger } from '../log/logger.js';
import { Task } from '../schemas/wire/task.js';
import { startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../../test/support/control-plane.js';
import { watchEventLoop } from '../../test/support/event-loop-watch.js';
import { sendJson, startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { makeTask, tempDir } from '../../test/support/task-fixture.js';
import { createTaskServices, type TaskServicesOptions } from './task-services.js';

const REVIEW = `<!doctype html><title>Review</title><button onclick="fetch('/api/approved')">Approve</button>`;
const approve = { type: 'action_node', end_sleep_time: 0.2, interaction_action: { click_element: { command: 'get_by_role("button", name="Approve")' } } };

let pages: PageServer;
let controlPlane: TestControlPlane;

beforeAll(async () => {
  pages = await startPageServer({ '/review': REVIEW }, { '/api/approved': (_req, res) => sendJson(res, 200, { ok: true }) });
  controlPlane = await startTestControlPlane({ settings: { ALLOW_CODE_STEPS: 'true' } });
});

afterAll(async () => {
  await controlPlane?.close();
  await pages?.close();
});

/** The services a worker builds from these settings, over the test control plane. */
function servicesWith(env: Record<string, string>, options: Partial<TaskServicesOptions> = {}) {
  const { settings } = loadSettings({
    API_KEY: TEST_API_KEY,
    DEPLOYMENT: 'dev',
    SERVER_URL: controlPlane.url,
    DATA_DIR: tempDir('task-services-data-'),
    ALLOW_CODE_STEPS: 'true',
    TASK_TRACE: 'false',
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
    ...env,
  });
  return createTaskServices(settings, { logger: silentLogger, outboxDirectory: tempDir('task-services-outbox-'), thread: settings.TASK_THREAD, ...options });
}

/** A task the control plane created for `nodes` on the review page, as a worker receives it. */
async function createdTask(name: string, nodes: unknown[]): Promise<Task> {
  await controlPlane.writeRecording(name, recording(pages.url('/review'), nodes, {}, { take_final_screenshot: false }));
  const created = await controlPlane.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: name, input_parameters: {} } });
  expect(created.status).toBe(200);
  return Task.parse(JSON.parse(((await created.json()) as { task: string }).task));
}

async function waitingForHuman(taskId: string): Promise<boolean> {
  const task = (await (await controlPlane.request(`/api/v1/tasks/${taskId}`)).json()) as { waiting_for_human_since: string | null };
  return task.waiting_for_human_since !== null;
}

describe('the task services of a worker', () => {
  it('hand a human_in_loop step across the task thread: the control plane is told from this thread, and this thread’s gate releases the step', async () => {
    const services = servicesWith({ TASK_THREAD: 'true' });
    try {
      const task = await createdTask('review', [{ type: 'action_node', human_in_loop_action: { max_wait_time: 30 } }, approve]);
      const running = services.runner.run(await services.accept(task), { logger: silentLogger });

      const deadline = Date.now() + 30_000;
      while (!(await waitingForHuman(task.task_id))) {
        if (Date.now() > deadline) throw new Error('the control plane was never told that the task waits for a person');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(pages.requests.filter((r) => r.path === '/api/approved')).toHaveLength(0);

      services.humanInLoop.complete(task.task_id);
      expect(await running).toMatchObject({ status: 'success', error: null });
      expect(pages.requests.filter((r) => r.path === '/api/approved')).toHaveLength(1);
    } finally {
      await services.runner.close();
    }
  });

  it('run tasks on this thread with TASK_THREAD=false: a step that holds its thread holds this one', async () => {
    const services = servicesWith({ TASK_THREAD: 'false' });
    try {
      const hold = { type: 'action_node', javascript_action: { execution_code: 'async () => { const end = Date.now() + 400; while (Date.now() < end) {} }' } };
      const task = await createdTask('hold', [hold]);
      const loop = watchEventLoop();
      const outcome = await services.runner.run(await services.accept(task), { logger: silentLogger });
      expect(outcome).toMatchObject({ status: 'success', error: null });
      expect(loop.stop()).toBeGreaterThanOrEqual(400);
    } finally {
      await services.runner.close();
    }
  });

  it('run tasks on this thread when private nodes are registered in code, whatever TASK_THREAD says (their handlers cannot cross to a thread)', async () => {
    const ranOnMainThread: boolean[] = [];
    const privateNodes = new PrivateNodeRegistry().register({
      name: 'where_am_i',
      run: async () => {
        ranOnMainThread.push(isMainThread);
        return 'here';
      },
    });
    const services = servicesWith({ TASK_THREAD: 'true' }, { privateNodes });
    try {
      // The control plane refuses a handler it does not know: the task is made here, as a master would send it.
      const automation = recording(pages.url('/review'), [{ type: 'private_node', handler: 'where_am_i', output_variable_names: ['where'] }], {}, { take_final_screenshot: false });
      const task = makeTask({ automation, input_parameters: {} });
      expect(await services.runner.run(await services.accept(task), { logger: silentLogger })).toMatchObject({ status: 'success', error: null });
      expect(ranOnMainThread).toEqual([true]);
    } finally {
      await services.runner.close();
    }
  });
});
