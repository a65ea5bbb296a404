import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/task-fixture.js';
import { getWorkerRuntime, setWorkerRuntime } from './runtime-registry.js';

const sqs = mockClient(SQSClient);

afterAll(async () => {
  await (await getWorkerRuntime()).close();
  setWorkerRuntime(undefined);
  sqs.restore();
});

describe('the runtime built from settings', () => {
  it('is the SQS runtime when WORKER_RUNTIME=sqs', async () => {
    // Settings are read once per process: this file's process reads these.
    Object.assign(process.env, {
      WORKER_RUNTIME: 'sqs',
      TASK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/task-queue',
      OUTBOX_DIR: tempDir('registry-outbox-'),
      SERVER_URL: 'http://127.0.0.1:1',
    });
    delete process.env.ENV_PATH;
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '0' } });

    const runtime = await getWorkerRuntime();

    expect(await runtime.health()).toEqual({ healthy: true, taskRunning: false, queuedTasks: 2 });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/task-queue');
  });
});
