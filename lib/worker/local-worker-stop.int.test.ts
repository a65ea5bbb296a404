import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../test/support/control-plane.js';
import { testOutbox } from '../../test/support/outbox.js';
import { silentLogger } from '../log/logger.js';
import { InferenceRequest } from '../schemas/wire/inference-request.js';
import type { Task } from '../schemas/wire/task.js';
import { acceptTask } from './accept-task.js';
import { createLocalWorker, type LocalWorker } from './local-worker.js';
import { endedOutcome, type TaskRunner } from './task-runner.js';

let cp: TestControlPlane;

beforeAll(async () => {
  cp = await startTestControlPlane();
  await cp.writeRecording('hold', simpleAutomation({ name: ['x'] }));
});
afterAll(async () => cp?.close());

/**
 * A runner whose tasks take `durationMs` and end at once when stopped, as the browser runner
 * does: the browser is not under test here, the worker's stopping is.
 */
function timedRunner(durationMs: number) {
  const started: string[] = [];
  const stopped: string[] = [];
  const runner: TaskRunner = {
    run: (accepted, { signal }) =>
      new Promise((resolve) => {
        started.push(accepted.task.task_id);
        const timer = setTimeout(() => resolve(endedOutcome('success', null)), durationMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          stopped.push(accepted.task.task_id);
          resolve(endedOutcome('failed', 'interrupted'));
        });
      }),
    close: async () => {},
  };
  return { runner, started, stopped };
}

function newWorker(runner: TaskRunner): LocalWorker {
  return createLocalWorker({ controlPlane: cp.client, runner, acceptTask, outbox: testOutbox(cp.client), logger: silentLogger, childProcessId: '0', keepTaskFiles: false });
}

async function createTask(patch: Partial<Task> = {}): Promise<Task> {
  const task = await cp.client.requestInference(InferenceRequest.parse({ endpoint_name: 'hold', input_parameters: { name: ['x'] } }));
  return { ...task, ...patch };
}

/** Read once the worker is closed: close() waits until the outbox has delivered every report. */
const statusOf = async (taskId: string) => (await bodyOf(await cp.request(`/api/v1/tasks/${taskId}`))) as { status: string; error: string | null; started_at: string | null };
const waitForStart = async (started: string[], count = 1) => {
  for (const deadline = Date.now() + 5_000; started.length < count && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
};

describe('the local worker stops tasks', () => {
  it('at max_timeout_in_minutes, fractions included: killed, "Automation timed out after 0.001 minutes in process"', async () => {
    const { runner, stopped } = timedRunner(30_000);
    const worker = newWorker(runner);
    const task = await createTask({ max_timeout_in_minutes: 0.001 });
    await worker.allocateTasks([task]);
    await worker.idle();
    await worker.close();
    expect(stopped).toEqual([task.task_id]);
    expect(await statusOf(task.task_id)).toMatchObject({ status: 'killed', error: 'Automation timed out after 0.001 minutes in process' });
  });

  it('on kill: queued ones never start, the running one is stopped; each is reported cancelled; unknown ids are ignored', async () => {
    const { runner, started, stopped } = timedRunner(30_000);
    const worker = newWorker(runner);
    const [running, queued, other] = [await createTask(), await createTask(), await createTask()];
    await worker.allocateTasks([running, queued, other].filter((t): t is Task => t !== undefined));
    await waitForStart(started);

    expect(worker.killTasks([queued?.task_id ?? '', 'unknown'])).toBe(1);
    expect(worker.health()).toEqual({ healthy: true, taskRunning: true, queuedTasks: 1 });
    expect(worker.killTasks([running?.task_id ?? ''])).toBe(1);
    await waitForStart(started, 2);
    expect(worker.killTasks([other?.task_id ?? ''])).toBe(1);
    await worker.idle();
    await worker.close();

    expect(started).toEqual([running?.task_id, other?.task_id]);
    expect(stopped).toEqual([running?.task_id, other?.task_id]);
    for (const task of [running, queued, other]) {
      expect(await statusOf(task?.task_id ?? '')).toMatchObject({ status: 'cancelled', error: 'Task cancelled by user' });
    }
    expect((await statusOf(queued?.task_id ?? '')).started_at).toBeNull();
  });
});

describe('closing the local worker', () => {
  it('lets the running task finish within the grace period, cancels the queued ones, then refuses new tasks', async () => {
    const { runner, started, stopped } = timedRunner(300);
    const worker = newWorker(runner);
    const [running, queued] = [await createTask(), await createTask()];
    await worker.allocateTasks([running, queued].filter((t): t is Task => t !== undefined));
    await waitForStart(started);

    await worker.close({ graceSeconds: 10 });
    expect(stopped).toEqual([]);
    expect(await statusOf(running?.task_id ?? '')).toMatchObject({ status: 'success', error: null });
    expect(await statusOf(queued?.task_id ?? '')).toMatchObject({ status: 'cancelled', error: 'The worker shut down before the task started', started_at: null });

    const late = await createTask();
    await expect(worker.allocateTasks([late])).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    await expect(worker.submitInference(InferenceRequest.parse({ endpoint_name: 'hold', input_parameters: { name: ['y'] } }))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('stops the running task as killed once the grace period is over', async () => {
    const { runner, started, stopped } = timedRunner(30_000);
    const worker = newWorker(runner);
    const task = await createTask();
    await worker.allocateTasks([task]);
    await waitForStart(started);

    const closingAt = Date.now();
    await worker.close({ graceSeconds: 0.2 });
    expect(Date.now() - closingAt).toBeLessThan(5_000);
    expect(stopped).toEqual([task.task_id]);
    expect(await statusOf(task.task_id)).toMatchObject({ status: 'killed', error: 'The worker shut down: the task did not finish within the 0.2 s grace period' });
  });
});
