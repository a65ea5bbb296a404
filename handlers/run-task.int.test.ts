import { readFileSync } from 'node:fs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from '../lib/config/settings.js';
import { localLambdaContext } from '../lib/http/lambda-event.js';
import { createLogger } from '../lib/log/logger.js';
import { acceptTask } from '../lib/worker/accept-task.js';
import { setQueuedTaskRunner } from '../lib/worker/queued-task-registry.js';
import { createQueuedTaskRunner, type QueuedTaskRunner } from '../lib/worker/queued-task-runner.js';
import { setWorkerRuntime } from '../lib/worker/runtime-registry.js';
import { createSqsRuntime } from '../lib/worker/sqs-runtime.js';
import { createTaskServices } from '../lib/worker/task-services.js';
import { bodyOf, startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../test/support/control-plane.js';
import { testOutbox } from '../test/support/outbox.js';
import { tempDir } from '../test/support/task-fixture.js';
import { handler as inference } from './inference.js';
import { handler as runTask } from './run-task.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/task-queue';

/** The sample events are the fixtures; each test clones before changing one. */
function loadEvent<T>(name: string): T {
  return structuredClone(JSON.parse(readFileSync(new URL(`../events/${name}.json`, import.meta.url), 'utf8')) as T);
}

/** The SQS event the runner would receive for one sent message, shaped like the sample event. */
function sqsEventOf(body: string, messageId = 'message-1'): SQSEvent {
  const event = loadEvent<SQSEvent>('run-task');
  const [record] = event.Records;
  if (!record) throw new Error('events/run-task.json holds no record');
  return { Records: [{ ...record, messageId, body }] };
}

let controlPlane: TestControlPlane;
let runner: QueuedTaskRunner;
const logs: Record<string, unknown>[] = [];
const sqs = mockClient(SQSClient);

beforeAll(async () => {
  controlPlane = await startTestControlPlane();
  const sample = JSON.parse(loadEvent<SQSEvent>('run-task').Records[0]?.body ?? '{}') as { automation: unknown };
  await controlPlane.writeRecording('blank', sample.automation);
  const settings = Settings.parse({
    API_KEY: TEST_API_KEY,
    DEPLOYMENT: 'dev',
    SERVER_URL: controlPlane.url,
    OUTBOX_RETRY_BASE_SECONDS: '0.02',
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
  });
  const logger = createLogger({ level: 'debug', sink: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  runner = createQueuedTaskRunner({
    services: createTaskServices(settings, { logger, outboxDirectory: tempDir('runner-outbox-') }),
    logger,
    keepTaskFiles: false,
    outboxFlushMs: 10_000,
  });
  setQueuedTaskRunner(runner);
});

afterAll(async () => {
  setQueuedTaskRunner(undefined);
  setWorkerRuntime(undefined);
  await runner?.close();
  await controlPlane?.close();
});

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'message-1' });
  logs.length = 0;
});

describe('the Lambda path: inference queues to SQS, run-task runs the message', () => {
  it('runs a task from POST /inference to success on real Chromium', async () => {
    // Prepare: the inference function with the SQS runtime, over the mocked queue.
    setWorkerRuntime(
      createSqsRuntime({
        sqs: new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
        queueUrl: QUEUE_URL,
        controlPlane: controlPlane.client,
        acceptTask: (task) => acceptTask(task),
        outbox: testOutbox(controlPlane.client),
        logger: createLogger({ sink: () => {} }),
      }),
    );
    const request = loadEvent<APIGatewayProxyEventV2>('inference');
    request.body = JSON.stringify({ endpoint_name: 'blank', input_parameters: { name: ['bob'] } });

    // Act: the API answers 202 and sends the Task; the runner takes that message.
    const answer = await inference(request, localLambdaContext('inference'));
    expect(answer.statusCode).toBe(202);
    const { task_id: taskId } = JSON.parse(answer.body ?? '{}') as { task_id: string };
    const [sent] = sqs.commandCalls(SendMessageCommand);
    const result = await runTask(sqsEventOf(sent?.args[0].input.MessageBody ?? ''), localLambdaContext('run-task'));

    // Assess: SQS keeps nothing, and the control plane shows the task ended well.
    expect(result).toEqual({ batchItemFailures: [] });
    const view = await bodyOf(await controlPlane.request(`/api/v1/tasks/${taskId}`));
    expect(view).toMatchObject({ status: 'success', error: null });
  });

  it('acknowledges a malformed message and logs it, so SQS does not deliver it forever', async () => {
    const result = await runTask(sqsEventOf('{not json', 'bad-json'), localLambdaContext('run-task'));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringMatching(/not JSON/), message_id: 'bad-json' }));

    const notATask = await runTask(sqsEventOf(JSON.stringify({ task_id: 'x' }), 'not-a-task'), localLambdaContext('run-task'));
    expect(notATask).toEqual({ batchItemFailures: [] });
    expect(logs).toContainEqual(expect.objectContaining({ message_id: 'not-a-task', problems: expect.arrayContaining([expect.objectContaining({ path: 'user_id' })]) }));
  });

  it('runs the sample event (a Task the control plane never issued) and acknowledges it', async () => {
    const event = loadEvent<SQSEvent>('run-task');
    expect(await runTask(event, localLambdaContext('run-task'))).toEqual({ batchItemFailures: [] });
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'task finished', status: 'success' }));
  });

  it('asks SQS to deliver again a record there is no time left to run', async () => {
    const event = loadEvent<SQSEvent>('run-task');
    const context = { ...localLambdaContext('run-task'), getRemainingTimeInMillis: () => 5_000 };
    expect(await runTask(event, context)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] });
  });

  it('reports each record of a batch on its own', async () => {
    const sample = loadEvent<SQSEvent>('run-task');
    const good = sample.Records[0];
    if (!good) throw new Error('events/run-task.json holds no record');
    const event: SQSEvent = { Records: [{ ...good, messageId: 'bad', body: '[]' }, { ...good, messageId: 'good', body: good.body.replace(/2f7c9a10/, '3f7c9a10') }] };
    expect(await runTask(event, localLambdaContext('run-task'))).toEqual({ batchItemFailures: [] });
    expect(logs.filter((line) => line.msg === 'task finished')).toHaveLength(1);
  });
});

