import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../test/support/control-plane.js';
import { testOutbox } from '../../test/support/outbox.js';
import { silentLogger } from '../log/logger.js';
import { InferenceRequest } from '../schemas/wire/inference-request.js';
import { acceptTask } from './accept-task.js';
import { createQueuedTaskRunner } from './queued-task-runner.js';
import { endedOutcome, type TaskRunner } from './task-runner.js';

let cp: TestControlPlane;

beforeAll(async () => {
  cp = await startTestControlPlane();
  await cp.writeRecording('hold', simpleAutomation({ name: ['x'] }));
});
afterAll(async () => cp?.close());

/** A run that lasts until it is stopped: the browser is not under test here, the time limit is. */
const untilStopped: TaskRunner = {
  run: (_accepted, { signal }) =>
    new Promise((resolve) => signal?.addEventListener('abort', () => resolve(endedOutcome('failed', 'interrupted')))),
  close: async () => {},
};

describe('the Lambda task runner', () => {
  it('stops a task at max_timeout_in_minutes with the original error text', async () => {
    const outbox = testOutbox(cp.client);
    const runner = createQueuedTaskRunner({
      services: { controlPlane: cp.client, outbox, runner: untilStopped, accept: (task) => acceptTask(task), refreshRecording: async (accepted) => accepted },
      logger: silentLogger,
      keepTaskFiles: false,
      outboxFlushMs: 10_000,
    });
    const task = await cp.client.requestInference(InferenceRequest.parse({ endpoint_name: 'hold', input_parameters: { name: ['x'] } }));
    const record = { messageId: 'm-1', body: JSON.stringify({ ...task, max_timeout_in_minutes: 0.001 }) } as SQSRecord;

    const answer = await runner.runRecords([record], () => 600_000);
    await runner.close();

    expect(answer).toEqual({ batchItemFailures: [] });
    const status = (await bodyOf(await cp.request(`/api/v1/tasks/${task.task_id}`))) as { status: string; error: string | null };
    expect(status).toMatchObject({ status: 'killed', error: 'Automation timed out after 0.001 minutes in process' });
  });
});
