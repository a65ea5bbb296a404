import type { SQSClient } from '@aws-sdk/client-sqs';
import { errorMessage, ValidationError } from '../errors.js';
import type { ControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import type { InferenceRequest } from '../schemas/wire/inference-request.js';
import type { Task } from '../schemas/wire/task.js';
import type { Outbox } from './outbox/outbox.js';
import { reportTaskRefused } from './report-task.js';
import type { AcceptedTask } from './task-runner.js';
import { rejectedTask, type AllocationResult, type HealthReport, type WorkerRuntime } from './worker-runtime.js';

/**
 * The SDK's commands, loaded on first use: the Lambda runtime provides @aws-sdk/client-sqs
 * (template.yaml leaves it out of the bundles), and loading it only when a request needs the
 * queue keeps the functions' cold start short.
 */
const loadSqsCommands = () => import('@aws-sdk/client-sqs');

/** Lambda API functions have no child process; the control plane gets 0, as from a lone worker. */
const CHILD_PROCESS_ID = '0';
/** A refusal is reported before the 4xx is answered, but an unreachable control plane must not hold the request. */
const DEFAULT_REFUSAL_FLUSH_MS = 5_000;

export type SqsRuntimeOptions = {
  sqs: SQSClient;
  queueUrl: string;
  controlPlane: ControlPlaneClient;
  /** The same acceptance check the task runner makes, so a task that cannot run is never queued. */
  acceptTask: (task: Task) => Promise<AcceptedTask>;
  /** Carries the complete_task of refused tasks; flushed before answering, since a Lambda may freeze after. */
  outbox: Outbox;
  refusalFlushMs?: number;
  logger: Logger;
  now?: () => Date;
};

/**
 * The worker API of a Lambda deployment: it accepts tasks and hands them to the task queue,
 * where the task-runner function takes them one by one. Nothing runs in this process, so it
 * keeps no state between requests:
 *
 * - `priority` is carried as a message attribute only: a standard SQS queue has no priorities,
 *   tasks are delivered roughly in arrival order.
 * - `killTasks` answers 0: SQS cannot delete a message by its content or id, only by the receipt
 *   handle its consumer holds, and the running task lives in another function.
 * - the human-in-loop gate is per process; a task runner waiting in a human_in_loop step cannot be
 *   reached from here, so completion is not recorded and the status always reads false.
 */
export function createSqsRuntime(options: SqsRuntimeOptions): WorkerRuntime {
  const now = options.now ?? (() => new Date());
  let uniqueChildArn: string | null = null;

  async function refuse(task: Task, reason: string): Promise<void> {
    try {
      // The control plane already holds this task: report it failed so it is never left queued.
      await reportTaskRefused(task, reason, { outbox: options.outbox, childProcessId: CHILD_PROCESS_ID, uniqueChildArn, now });
      const flushed = await options.outbox.flush(options.refusalFlushMs ?? DEFAULT_REFUSAL_FLUSH_MS);
      if (!flushed) options.logger.warn('the failure report of a refused task is still pending', { task_id: task.task_id });
    } catch (error) {
      options.logger.error('could not report a refused task', { task_id: task.task_id, error });
    }
  }

  async function queue(task: Task): Promise<void> {
    let accepted: AcceptedTask;
    try {
      accepted = await options.acceptTask(task);
    } catch (error) {
      await refuse(task, errorMessage(error));
      throw error;
    }
    accepted.task.status = 'allocated';
    accepted.task.allocated_at = now().toISOString();
    try {
      const { SendMessageCommand } = await loadSqsCommands();
      await options.sqs.send(
        new SendMessageCommand({
          QueueUrl: options.queueUrl,
          MessageBody: JSON.stringify(accepted.task),
          MessageAttributes: {
            task_id: { DataType: 'String', StringValue: task.task_id },
            endpoint_name: { DataType: 'String', StringValue: task.endpoint_name },
            ...(task.priority === undefined || task.priority === null ? {} : { priority: { DataType: 'Number', StringValue: String(task.priority) } }),
          },
        }),
      );
    } catch (error) {
      await refuse(task, `The task could not be queued: ${errorMessage(error)}`);
      throw error;
    }
    options.logger.info('task queued', { task_id: task.task_id, priority: task.priority ?? null });
  }

  return {
    async submitInference(request: InferenceRequest) {
      if (request.use_proxy) {
        throw new ValidationError('use_proxy is not supported: this worker has no proxy configured', [
          { path: 'use_proxy', message: 'not supported: this worker has no proxy configured' },
        ]);
      }
      const task = await options.controlPlane.requestInference(request);
      task.is_dedicated = request.is_dedicated;
      await queue(task);
      return { taskId: task.task_id };
    },

    async allocateTasks(tasks: Task[]): Promise<AllocationResult> {
      const result: AllocationResult = { taskIds: [], rejected: [] };
      for (const task of tasks) {
        try {
          await queue(task);
          result.taskIds.push(task.task_id);
        } catch (error) {
          // Keep going: the tasks already queued stay queued whatever happens to this one.
          result.rejected.push(rejectedTask(task, error));
        }
      }
      return result;
    },

    async health(): Promise<HealthReport> {
      try {
        const { GetQueueAttributesCommand } = await loadSqsCommands();
        const { Attributes: attributes = {} } = await options.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        // Approximate by SQS's design: the counts lag sends and receives by up to a minute.
        const queuedTasks = Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
        return { healthy: true, taskRunning: false, queuedTasks };
      } catch (error) {
        options.logger.error('the task queue cannot be read', { error });
        return { healthy: false, message: 'The task queue cannot be read' };
      }
    },

    isTaskRunning: () => false,

    killTasks(taskIds: string[]): number {
      options.logger.warn('kill_task is not supported with the SQS runtime: queued messages cannot be removed by task id', { task_ids: taskIds });
      return 0;
    },

    setChildProcessId(_childProcessId: string, arn?: string | null) {
      // Only the ARN is kept, for the complete_task of refused tasks; the id of a Lambda stays 0.
      if (arn !== undefined) uniqueChildArn = arn;
    },

    humanInLoopCompleted(taskId: string) {
      options.logger.warn('human_in_loop_completed is not supported with the SQS runtime', { task_id: taskId });
    },

    humanInLoopStatus: () => false,

    async close() {
      await options.outbox.flush(options.refusalFlushMs ?? DEFAULT_REFUSAL_FLUSH_MS);
      await options.outbox.stop();
    },
  };
}
