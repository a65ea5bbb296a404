import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { InferenceRequest } from '../schemas/wire/inference-request.js';
import { Task } from '../schemas/wire/task.js';
import { bodyOf, simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../test/support/control-plane.js';
import { testOutbox } from '../../test/support/outbox.js';
import { makeTask } from '../../test/support/task-fixture.js';
import { acceptTask } from './accept-task.js';
import { createSqsRuntime } from './sqs-runtime.js';

const CODE_STEP = { type: 'action_node', javascript_action: { execution_code: 'return 1' } };
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/task-queue';

let controlPlane: TestControlPlane;
const sqs = mockClient(SQSClient);

beforeAll(async () => {
  controlPlane = await startTestControlPlane({ settings: { ALLOW_CODE_STEPS: 'true' } });
  await controlPlane.writeRecording('greet', simpleAutomation());
  // The control plane serves it; this worker refuses it: code steps are off unless its operator allows them.
  await controlPlane.writeRecording('broken', { ...simpleAutomation(), nodes: [CODE_STEP] });
});
afterAll(() => controlPlane.close());
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'message-1' });
});

function runtime() {
  return createSqsRuntime({
    sqs: new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    queueUrl: QUEUE_URL,
    controlPlane: controlPlane.client,
    acceptTask: (task) => acceptTask(task),
    outbox: testOutbox(controlPlane.client),
    logger: silentLogger,
  });
}

describe('the SQS runtime', () => {
  it('queues the task of an inference request as its Task JSON, with the task id as an attribute', async () => {
    const { taskId } = await runtime().submitInference(InferenceRequest.parse({ endpoint_name: 'greet', input_parameters: { name: ['bob'] } }));
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.QueueUrl).toBe(QUEUE_URL);
    expect(input.MessageAttributes?.task_id).toEqual({ DataType: 'String', StringValue: taskId });
    const queued = Task.parse(JSON.parse(input.MessageBody ?? ''));
    expect(queued).toMatchObject({ task_id: taskId, endpoint_name: 'greet', status: 'allocated', input_parameters: { name: ['bob'] } });
  });

  it('refuses a recording that cannot run with 422 before anything is queued, and reports the task failed', async () => {
    const refusal = runtime().submitInference(InferenceRequest.parse({ endpoint_name: 'broken', input_parameters: { name: ['bob'] } }));
    await expect(refusal).rejects.toMatchObject({ code: 'RECORDING_INVALID' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    const [failed] = (await bodyOf(await controlPlane.request('/api/v1/tasks?limit=10&status=failed'))).tasks as { endpoint_name: string }[];
    expect(failed).toMatchObject({ endpoint_name: 'broken' });
  });

  it('allocates each accepted Task and names the refused ones', async () => {
    const good = makeTask({ automation: simpleAutomation({}), priority: 2 });
    const bad = makeTask({ automation: { ...simpleAutomation({}), nodes: [CODE_STEP] } });
    const result = await runtime().allocateTasks([good, bad]);
    expect(result.taskIds).toEqual([good.task_id]);
    expect(result.rejected.map((r) => r.task_id)).toEqual([bad.task_id]);
    const attributes = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageAttributes;
    expect(attributes?.priority).toEqual({ DataType: 'Number', StringValue: '2' });
  });

  it('reports the queue depth (visible and in flight) as queued tasks', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' } });
    expect(await runtime().health()).toEqual({ healthy: true, taskRunning: false, queuedTasks: 4 });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]!.args[0].input).toMatchObject({ QueueUrl: QUEUE_URL });
  });

  it('is unhealthy when the queue cannot be read', async () => {
    sqs.on(GetQueueAttributesCommand).rejects(new Error('AccessDenied'));
    expect(await runtime().health()).toEqual({ healthy: false, message: 'The task queue cannot be read' });
  });

  it('cannot kill queued tasks or gate a human step, and says so by its answers', () => {
    const worker = runtime();
    expect(worker.killTasks(['a', 'b'])).toBe(0);
    worker.humanInLoopCompleted('a');
    expect(worker.humanInLoopStatus('a')).toBe(false);
    expect(worker.isTaskRunning()).toBe(false);
  });
});
