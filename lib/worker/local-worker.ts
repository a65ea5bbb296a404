import { AppError, errorMessage, ValidationError } from '../errors.js';
import type { ControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import type { InferenceRequest } from '../schemas/wire/inference-request.js';
import type { Task } from '../schemas/wire/task.js';
import { executeTask } from './execute-task.js';
import { createHumanInLoopGate, type WorkerHumanInLoopGate } from './human-in-loop-gate.js';
import { TaskQueue } from './task-queue.js';
import type { AcceptedTask, TaskRunner } from './task-runner.js';
import type { AllocationResult, HealthReport, WorkerRuntime } from './worker-runtime.js';

/** The original's limit when a task carries no `max_timeout_in_minutes`. */
const DEFAULT_HEALTH_TIMEOUT_MINUTES = 15;

export type LocalWorkerOptions = {
  controlPlane: ControlPlaneClient;
  runner: TaskRunner;
  /** The acceptance check: validates the recording, creates the task's directories. */
  acceptTask: (task: Task) => Promise<AcceptedTask>;
  logger: Logger;
  childProcessId: string;
  keepTaskFiles: boolean;
  /** Shared with the runner, which waits on it in human_in_loop steps. */
  humanInLoop?: WorkerHumanInLoopGate;
  now?: () => Date;
};

export type LocalWorker = WorkerRuntime & {
  /** Resolves once the queue is empty and no task runs. */
  idle(): Promise<void>;
};

type RunningTask = { task: Task; startedAt: Date };

/** One task at a time from an in-memory priority queue, in this process. */
export function createLocalWorker(options: LocalWorkerOptions): LocalWorker {
  const now = options.now ?? (() => new Date());
  const queue = new TaskQueue<AcceptedTask & Pick<Task, 'task_id' | 'priority'>>();
  let running: RunningTask | null = null;
  let pumping: Promise<void> | null = null;
  let childProcessId = options.childProcessId;
  let uniqueChildArn: string | null = null;
  let closed = false;
  const humanInLoop =
    options.humanInLoop ??
    createHumanInLoopGate(async (task) => {
      await options.controlPlane.humanInLoop(task.api_key, task.task_id);
    });

  async function accept(task: Task): Promise<AcceptedTask> {
    try {
      return await options.acceptTask(task);
    } catch (error) {
      // The control plane already holds this task: report it failed so it is never left queued.
      await options.controlPlane
        .completeTask(task.api_key, {
          task_id: task.task_id,
          child_process_id: Number(childProcessId) || 0,
          unique_child_arn: uniqueChildArn,
          status: 'failed',
          error: errorMessage(error),
          completed_at: now().toISOString(),
          token_usage: null,
          retry_count: task.retry_count + 1,
        })
        .catch((reportError: unknown) => options.logger.error('complete_task failed for a refused task', { task_id: task.task_id, error: reportError }));
      throw error;
    }
  }

  function enqueue(accepted: AcceptedTask): void {
    if (closed) throw new AppError('ROUTE_DISABLED', 'The worker is shutting down and takes no new tasks');
    accepted.task.status = 'allocated';
    accepted.task.allocated_at = now().toISOString();
    queue.push({ ...accepted, task_id: accepted.task.task_id, priority: accepted.task.priority });
    options.logger.info('task queued', { task_id: accepted.task.task_id, priority: accepted.task.priority ?? null, queued_tasks: queue.size });
    pumping ??= pump().finally(() => {
      pumping = null;
    });
  }

  async function pump(): Promise<void> {
    for (let next = queue.shift(); next; next = queue.shift()) {
      running = { task: next.task, startedAt: now() };
      try {
        await executeTask(
          { task: next.task, automation: next.automation },
          { controlPlane: options.controlPlane, runner: options.runner, logger: options.logger, childProcessId, uniqueChildArn, now, keepTaskFiles: options.keepTaskFiles },
        );
      } catch (error) {
        options.logger.error('task execution crashed', { task_id: next.task.task_id, error });
      } finally {
        running = null;
      }
    }
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
      enqueue(await accept(task));
      return { taskId: task.task_id };
    },

    async allocateTasks(tasks: Task[]): Promise<AllocationResult> {
      const result: AllocationResult = { taskIds: [], rejected: [] };
      for (const task of tasks) {
        try {
          enqueue(await accept(task));
          result.taskIds.push(task.task_id);
        } catch (error) {
          // Keep going: the tasks already accepted stay queued whatever happens to this one.
          result.rejected.push({ task_id: task.task_id, error: errorMessage(error) });
        }
      }
      return result;
    },

    health(): HealthReport {
      if (running) {
        const limit = running.task.max_timeout_in_minutes ?? DEFAULT_HEALTH_TIMEOUT_MINUTES;
        if (now().getTime() - running.startedAt.getTime() > limit * 60_000) {
          return { healthy: false, message: `Task not finished within ${limit} minutes` };
        }
      }
      return { healthy: true, taskRunning: running !== null, queuedTasks: queue.size };
    },

    isTaskRunning: () => running !== null,

    humanInLoopCompleted: (taskId: string) => humanInLoop.complete(taskId),
    humanInLoopStatus: (taskId: string) => humanInLoop.takeStatus(taskId),

    setChildProcessId(id: string, arn?: string | null) {
      childProcessId = id;
      if (arn !== undefined) uniqueChildArn = arn;
    },

    async idle() {
      while (pumping) await pumping;
    },

    async close() {
      closed = true;
      while (pumping) await pumping;
      await options.runner.close();
    },
  };
}
