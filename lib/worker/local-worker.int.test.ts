import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../test/support/control-plane.js';
import { testOutbox } from '../../test/support/outbox.js';
import { silentLogger } from '../log/logger.js';
import { InferenceRequest } from '../schemas/wire/inference-request.js';
import { Task } from '../schemas/wire/task.js';
import { acceptTask } from './accept-task.js';
import { createLocalWorker } from './local-worker.js';
import type { TaskRunner, TaskRunOutcome } from './task-runner.js';

let cp: TestControlPlane;

beforeAll(async () => {
  cp = await startTestControlPlane();
  await cp.writeRecording('hold', simpleAutomation({ name: ['x'] }));
});
afterAll(async () => cp?.close());

/** A runner that holds each task until the test releases it: the browser is not under test here. */
function heldRunner() {
  let release: (() => void) | undefined;
  const started: string[] = [];
  const runner: TaskRunner = {
    run: async (accepted) => {
      started.push(accepted.task.task_id);
      await new Promise<void>((resolve) => (release = resolve));
      const outcome: TaskRunOutcome = { status: 'success', error: null, outputData: [], finalScreenshot: null, forLoopStatus: [], downloads: [] };
      return outcome;
    },
    close: async () => {},
  };
  return { runner, started, release: () => release?.() };
}

async function createTask(maxTimeoutInMinutes?: number): Promise<Task> {
  const created = await cp.client.requestInference(
    InferenceRequest.parse({ endpoint_name: 'hold', input_parameters: { name: ['x'] }, max_timeout_in_minutes: maxTimeoutInMinutes ?? 10 }),
  );
  return maxTimeoutInMinutes === undefined ? Task.parse({ ...created, max_timeout_in_minutes: null }) : created;
}

describe('local worker health', () => {
  it('turns unhealthy (503 body) once the running task is past its max_timeout_in_minutes, and healthy again after', async () => {
    let clock = Date.parse('2026-12-04T10:00:00Z');
    const held = heldRunner();
    const worker = createLocalWorker({ controlPlane: cp.client, runner: held.runner, acceptTask, outbox: testOutbox(cp.client), logger: silentLogger, childProcessId: '0', keepTaskFiles: false, now: () => new Date(clock) });
    await worker.allocateTasks([await createTask(2)]);
    while (held.started.length === 0) await new Promise((r) => setTimeout(r, 10));

    clock += 119_000;
    expect(worker.health()).toEqual({ healthy: true, taskRunning: true, queuedTasks: 0 });
    clock += 2_000;
    expect(worker.health()).toEqual({ healthy: false, message: 'Task not finished within 2 minutes' });

    held.release();
    await worker.idle();
    expect(worker.health()).toEqual({ healthy: true, taskRunning: false, queuedTasks: 0 });
    await worker.close();
  });

  it('uses 15 minutes when the task has no max_timeout_in_minutes', async () => {
    let clock = Date.parse('2026-12-04T10:00:00Z');
    const held = heldRunner();
    const worker = createLocalWorker({ controlPlane: cp.client, runner: held.runner, acceptTask, outbox: testOutbox(cp.client), logger: silentLogger, childProcessId: '0', keepTaskFiles: false, now: () => new Date(clock) });
    await worker.allocateTasks([await createTask(undefined)]);
    while (held.started.length === 0) await new Promise((r) => setTimeout(r, 10));
    clock += 14 * 60_000;
    expect(worker.health().healthy).toBe(true);
    clock += 61_000;
    expect(worker.health()).toEqual({ healthy: false, message: 'Task not finished within 15 minutes' });
    held.release();
    await worker.close();
  });
});

describe('local worker state hooks', () => {
  it('calls onBusy as each task starts and onIdle once the queue is empty, and survives a hook that throws', async () => {
    const held = heldRunner();
    const events: string[] = [];
    const worker = createLocalWorker({
      controlPlane: cp.client,
      runner: held.runner,
      acceptTask,
      outbox: testOutbox(cp.client),
      logger: silentLogger,
      childProcessId: '0',
      keepTaskFiles: false,
      onBusy: (task) => {
        events.push(`busy ${task.max_timeout_in_minutes}`);
        throw new Error('hook failure');
      },
      onIdle: () => events.push('idle'),
    });
    await worker.allocateTasks([await createTask(3), await createTask(4)]);
    while (held.started.length === 0) await new Promise((r) => setTimeout(r, 10));
    held.release();
    while (held.started.length === 1) await new Promise((r) => setTimeout(r, 10));
    held.release();
    await worker.idle();

    expect(events).toEqual(['busy 3', 'busy 4', 'idle']);
    await worker.close();
  });
});
