import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { AppError, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { Task } from '../schemas/wire/task.js';
import { executeTask } from './execute-task.js';
import { reportTaskRefused } from './report-task.js';
import { timedOut, TaskStoppedError, type AcceptedTask } from './task-runner.js';
import type { TaskServices } from './task-services.js';

/** The Task model's default `max_timeout_in_minutes`, enforced when a task carries none. */
const DEFAULT_TASK_TIMEOUT_MINUTES = 10;
/** Kept back from the Lambda's deadline for the end reports and the outbox flush after a stopped task. */
const REPORT_RESERVE_MS = 30_000;
/** Kept back while flushing, so the function answers SQS before Lambda cuts it off. */
const ANSWER_RESERVE_MS = 2_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A Lambda is one worker; the control plane gets child process 0. */
const CHILD_PROCESS_ID = '0';

export type QueuedTaskRunnerOptions = {
  services: Pick<TaskServices, 'controlPlane' | 'outbox' | 'runner' | 'accept' | 'refreshRecording'>;
  logger: Logger;
  keepTaskFiles: boolean;
  /** The longest the outbox flush may take after a batch, within the remaining time. */
  outboxFlushMs: number;
  now?: () => Date;
};

export type QueuedTaskRunner = {
  /** Runs each record's Task; answers the records SQS should deliver again. */
  runRecords(records: SQSRecord[], remainingMs: () => number): Promise<SQSBatchResponse>;
  close(): Promise<void>;
};

type RecordResult = 'done' | 'retry';

/**
 * The task runner of a Lambda deployment: takes Tasks from SQS messages and runs them one at a
 * time with the same executeTask as the local worker. A warm function keeps its browser and
 * its outbox between invocations.
 *
 * SQS's view of a record: a task that ran (whatever its outcome) or was refused is done, since
 * complete_task was sent; a message that is not a Task is logged and dropped, because
 * delivering it again cannot make it one; only a crash before the run could end, or no time
 * left to start it, asks SQS to deliver it again (up to the queue's maxReceiveCount, then the
 * dead-letter queue).
 */
export function createQueuedTaskRunner(options: QueuedTaskRunnerOptions): QueuedTaskRunner {
  const now = options.now ?? (() => new Date());
  const { outbox } = options.services;
  // Sends what an earlier invocation of this container left pending, before any new task.
  const outboxReady = outbox.start().catch((error: unknown) => options.logger.error('outbox could not be opened', { error }));

  function parseRecord(record: SQSRecord): Task | undefined {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch (error) {
      options.logger.error('dropped a task message that is not JSON', { message_id: record.messageId, error: errorMessage(error) });
      return undefined;
    }
    const parsed = Task.safeParse(body);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    options.logger.error('dropped a task message that is not a Task', { message_id: record.messageId, problems });
    return undefined;
  }

  async function accept(task: Task): Promise<AcceptedTask | undefined> {
    try {
      return await options.services.accept(task);
    } catch (error) {
      // A domain error (the recording cannot run here) will not change on a second delivery.
      if (!(error instanceof AppError)) throw error;
      options.logger.warn('task refused', { task_id: task.task_id, error: error.message });
      await reportTaskRefused(task, error.message, { outbox, childProcessId: CHILD_PROCESS_ID, uniqueChildArn: null, now });
      return undefined;
    }
  }

  async function runRecord(record: SQSRecord, remainingMs: () => number): Promise<RecordResult> {
    const task = parseRecord(record);
    if (!task) return 'done';
    const available = remainingMs() - REPORT_RESERVE_MS;
    if (available <= 0) {
      options.logger.warn('no time left to run the task; SQS delivers it again', { task_id: task.task_id });
      return 'retry';
    }
    const accepted = await accept(task);
    if (!accepted) return 'done';

    const minutes = task.max_timeout_in_minutes ?? DEFAULT_TASK_TIMEOUT_MINUTES;
    const taskLimitMs = minutes * 60_000;
    const stop = new AbortController();
    const reason =
      taskLimitMs <= available
        ? timedOut(minutes)
        : new TaskStoppedError('killed', `The task runner's time limit ran out after ${Math.round(available / 1000)} s`);
    const timer = setTimeout(() => stop.abort(reason), Math.min(taskLimitMs, available, MAX_TIMER_MS));
    try {
      await executeTask(accepted, {
        controlPlane: options.services.controlPlane,
        outbox,
        refreshRecording: options.services.refreshRecording,
        runner: options.services.runner,
        logger: options.logger,
        childProcessId: CHILD_PROCESS_ID,
        uniqueChildArn: null,
        now,
        keepTaskFiles: options.keepTaskFiles,
        signal: stop.signal,
      });
      return 'done';
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async runRecords(records, remainingMs) {
      await outboxReady;
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of records) {
        let result: RecordResult;
        try {
          result = await runRecord(record, remainingMs);
        } catch (error) {
          options.logger.error('task crashed before it could end; SQS delivers it again', { message_id: record.messageId, error });
          result = 'retry';
        }
        if (result === 'retry') batchItemFailures.push({ itemIdentifier: record.messageId });
      }
      // A function may be frozen as soon as it answers: deliver the reports first, within the time left.
      const flushMs = Math.max(0, Math.min(options.outboxFlushMs, remainingMs() - ANSWER_RESERVE_MS));
      if (!(await outbox.flush(flushMs))) {
        options.logger.warn('reports still pending; this container sends them on its next invocation', { pending: outbox.size });
      }
      return { batchItemFailures };
    },

    async close() {
      await options.services.runner.close();
      await outbox.stop();
    },
  };
}
