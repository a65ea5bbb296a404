import { AppError, errorMessage, QueueFullError, ValidationError } from '../errors.js';
import type { ControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import type { InferenceRequest } from '../schemas/wire/inference-request.js';
import type { Task } from '../schemas/wire/task.js';
import { executeTask } from './execute-task.js';
import { reportTaskEnd, reportTaskRefused } from './report-task.js';
import type { Outbox } from './outbox/outbox.js';
import { createHumanInLoopGate, type WorkerHumanInLoopGate } from './human-in-loop-gate.js';
import { TaskQueue } from './task-queue.js';
import { endedOutcome, timedOut, TaskStoppedError, type AcceptedTask, type TaskEndStatus, type TaskRunner } from './task-runner.js';
import { rejectedTask, type AllocationResult, type HealthReport, type WorkerRuntime } from './worker-runtime.js';
import { withDeadline } from '../automation/runner/wait.js';

/** The original's limit when a task carries no `max_timeout_in_minutes`. */
const DEFAULT_HEALTH_TIMEOUT_MINUTES = 15;
/** The Task model's default `max_timeout_in_minutes`, enforced when a task carries none. */
const DEFAULT_TASK_TIMEOUT_MINUTES = 10;
/** How long close() lets the running task finish before it is stopped. */
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;
/** The largest delay a Node timer holds; a larger one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const CANCELLED_BY_USER = 'Task cancelled by user';
const NOT_STARTED_AT_SHUTDOWN = 'The worker shut down before the task started';
const DEFAULT_OUTBOX_FLUSH_MS = 10_000;
/** MAX_QUEUED_TASKS' default. */
const DEFAULT_MAX_QUEUED_TASKS = 1000;
/** What a refused caller is told to wait: about one short task's run. */
const QUEUE_FULL_RETRY_AFTER_SECONDS = 30;

export type LocalWorkerOptions = {
  controlPlane: ControlPlaneClient;
  runner: TaskRunner;
  /** The acceptance check: validates the recording, creates the task's directories. */
  acceptTask: (task: Task) => Promise<AcceptedTask>;
  logger: Logger;
  childProcessId: string;
  keepTaskFiles: boolean;
  /** Every report goes through it; close() waits (a while) for it to deliver what is pending. */
  outbox: Outbox;
  outboxFlushMs?: number;
  /** Tasks waiting at most (MAX_QUEUED_TASKS); more are refused with 429 before anything is created. */
  maxQueuedTasks?: number;
  /** Fetches the recording again right before each run (the current protocol). */
  refreshRecording?: (accepted: AcceptedTask) => Promise<AcceptedTask>;
  /** Shared with the runner, which waits on it in human_in_loop steps. */
  humanInLoop?: WorkerHumanInLoopGate;
  /** Called when a task starts running (ECS: scale-in protection on); a throw is only logged. */
  onBusy?: (task: Task) => void;
  /** Called when the last queued task has ended and nothing runs (protection off). */
  onIdle?: () => void;
  now?: () => Date;
};

export type LocalWorker = Omit<WorkerRuntime, 'health'> & {
  /** Answers at once: the queue is in this process. */
  health(): HealthReport;
  /** Resolves once the queue is empty and no task runs. */
  idle(): Promise<void>;
  /** For a long-lived process: loads the runner's code now, so the first task starts as fast as the next. */
  warmUp(): Promise<void>;
};

/** The running task; aborting `stop` ends its run, with the TaskStoppedError as the reason. */
type RunningTask = { task: Task; startedAt: Date; stop: AbortController };

/** One task at a time from an in-memory priority queue, in this process. */
export function createLocalWorker(options: LocalWorkerOptions): LocalWorker {
  const now = options.now ?? (() => new Date());
  const queue = new TaskQueue<AcceptedTask & Pick<Task, 'task_id' | 'priority'>>();
  let running: RunningTask | null = null;
  let pumping: Promise<void> | null = null;
  let childProcessId = options.childProcessId;
  let uniqueChildArn: string | null = null;
  let closed = false;
  let closing: Promise<void> | undefined;
  const maxQueued = options.maxQueuedTasks ?? DEFAULT_MAX_QUEUED_TASKS;
  /**
   * Places held by requests still on their way in (asking the control plane, accepting): they
   * count against the limit, so concurrent requests cannot overfill the queue, and a task the
   * control plane already created always has its place.
   */
  let reserved = 0;
  /** End reports of tasks that never ran (killed in the queue, or queued at shutdown). */
  const pendingReports = new Set<Promise<void>>();
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
      await reportTaskRefused(task, errorMessage(error), { outbox: options.outbox, childProcessId, uniqueChildArn, now }).catch((reportError: unknown) =>
        options.logger.error('could not queue complete_task for a refused task', { task_id: task.task_id, error: reportError }),
      );
      throw error;
    }
  }

  /** Reports a task that will not run (or not run further) as ended; close() waits for these. */
  function reportNotRun(task: Task, status: TaskEndStatus, error: string): void {
    task.status = status;
    task.error = error;
    options.logger.info('task ended without running', { task_id: task.task_id, status, error });
    const reporting = reportTaskEnd(task, endedOutcome(status, error), {
      controlPlane: options.controlPlane,
      outbox: options.outbox,
      logger: options.logger.child({ task_id: task.task_id }),
      childProcessId,
      uniqueChildArn,
      now,
      keepTaskFiles: options.keepTaskFiles,
    })
      .catch((reportError: unknown) => options.logger.error('could not report the end of a task that did not run', { task_id: task.task_id, error: reportError }))
      .finally(() => pendingReports.delete(reporting));
    pendingReports.add(reporting);
  }

  function refuseWhenClosed(): void {
    if (closed) throw shuttingDownError();
  }

  /** Holds `count` places in the queue, or refuses the whole request: nothing of it is taken. */
  function reserve(count: number): (places?: number) => void {
    if (queue.size + reserved + count > maxQueued) {
      options.logger.warn('queue full; task refused', { queued_tasks: queue.size, reserved, asked: count, max_queued_tasks: maxQueued });
      throw new QueueFullError(`The worker's queue is full (${maxQueued} tasks waiting); try again later`, QUEUE_FULL_RETRY_AFTER_SECONDS);
    }
    reserved += count;
    let left = count;
    // Gives back `places` (all that are left by default); a place taken by the queue is given back as it is taken.
    return (places = left) => {
      const given = Math.min(places, left);
      reserved -= given;
      left -= given;
    };
  }

  function enqueue(accepted: AcceptedTask): void {
    if (closed) {
      // The control plane already holds it (a request that raced the shutdown): end it there.
      reportNotRun(accepted.task, 'cancelled', NOT_STARTED_AT_SHUTDOWN);
      throw shuttingDownError();
    }
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
      const stop = new AbortController();
      running = { task: next.task, startedAt: now(), stop };
      notify(() => options.onBusy?.(next.task));
      const minutes = next.task.max_timeout_in_minutes ?? DEFAULT_TASK_TIMEOUT_MINUTES;
      const timer = setTimeout(
        () => stop.abort(timedOut(minutes)),
        Math.min(minutes * 60_000, MAX_TIMER_MS),
      );
      try {
        await executeTask(
          { task: next.task, automation: next.automation },
          {
            controlPlane: options.controlPlane,
            outbox: options.outbox,
            refreshRecording: options.refreshRecording,
            runner: options.runner,
            logger: options.logger,
            childProcessId,
            uniqueChildArn,
            now,
            keepTaskFiles: options.keepTaskFiles,
            signal: stop.signal,
          },
        );
      } catch (error) {
        options.logger.error('task execution crashed', { task_id: next.task.task_id, error });
      } finally {
        clearTimeout(timer);
        running = null;
      }
    }
    notify(() => options.onIdle?.());
  }

  /** A hook that throws is logged: it must never end a task or stop the queue. */
  function notify(hook: () => void): void {
    try {
      hook();
    } catch (error) {
      options.logger.error('a worker state hook failed', { error });
    }
  }

  return {
    async submitInference(request: InferenceRequest) {
      // Before the control plane creates a task this worker would not run.
      refuseWhenClosed();
      if (request.use_proxy) {
        throw new ValidationError('use_proxy is not supported: this worker has no proxy configured', [
          { path: 'use_proxy', message: 'not supported: this worker has no proxy configured' },
        ]);
      }
      // Before the control plane creates a task this worker would have no room for.
      const release = reserve(1);
      try {
        const task = await options.controlPlane.requestInference(request);
        task.is_dedicated = request.is_dedicated;
        const accepted = await accept(task);
        release();
        enqueue(accepted);
        return { taskId: task.task_id };
      } finally {
        release();
      }
    },

    async allocateTasks(tasks: Task[]): Promise<AllocationResult> {
      refuseWhenClosed();
      // All or nothing: a refused list is sent again whole, so no task of it is lost or run twice.
      const release = reserve(tasks.length);
      const result: AllocationResult = { taskIds: [], rejected: [] };
      try {
        for (const task of tasks) {
          try {
            const accepted = await accept(task);
            release(1);
            enqueue(accepted);
            result.taskIds.push(task.task_id);
          } catch (error) {
            // Keep going: the tasks already accepted stay queued whatever happens to this one.
            result.rejected.push(rejectedTask(task, error));
          }
        }
      } finally {
        release();
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

    killTasks(taskIds: string[]): number {
      const ids = new Set(taskIds);
      const dropped = queue.remove(ids);
      for (const entry of dropped) reportNotRun(entry.task, 'cancelled', CANCELLED_BY_USER);
      const current = running;
      const stopsRunning = current !== null && ids.has(current.task.task_id) && !current.stop.signal.aborted;
      if (stopsRunning) current.stop.abort(new TaskStoppedError('cancelled', CANCELLED_BY_USER));
      options.logger.info('kill signal', { task_ids: [...ids], dropped_from_queue: dropped.length, stopped_running: stopsRunning });
      return dropped.length + (stopsRunning ? 1 : 0);
    },

    humanInLoopCompleted: (taskId: string) => humanInLoop.complete(taskId),
    humanInLoopStatus: (taskId: string) => humanInLoop.takeStatus(taskId),

    setChildProcessId(id: string, arn?: string | null) {
      childProcessId = id;
      if (arn !== undefined) uniqueChildArn = arn;
    },

    async idle() {
      while (pumping) await pumping;
    },

    async warmUp() {
      await options.runner.warmUp?.().catch((error: unknown) => options.logger.warn('warm-up failed; the first task loads what it needs', { error }));
    },

    close(closeOptions = {}) {
      closing ??= shutDown(closeOptions.graceSeconds ?? DEFAULT_SHUTDOWN_GRACE_SECONDS);
      return closing;
    },
  };

  /**
   * Takes no more tasks, ends the queued ones as cancelled, lets the running one finish within
   * the grace period (then stops it as killed), waits for every report, releases the browser.
   */
  async function shutDown(graceSeconds: number): Promise<void> {
    closed = true;
    for (let next = queue.shift(); next; next = queue.shift()) reportNotRun(next.task, 'cancelled', NOT_STARTED_AT_SHUTDOWN);
    const current = running;
    if (current && pumping && !((await withDeadline(pumping.then(() => true, () => true), graceSeconds * 1000)) ?? false)) {
      options.logger.warn('the running task did not finish within the shutdown grace period; stopping it', { task_id: current.task.task_id, grace_seconds: graceSeconds });
      current.stop.abort(new TaskStoppedError('killed', `The worker shut down: the task did not finish within the ${graceSeconds} s grace period`));
    }
    while (pumping) await pumping;
    await Promise.allSettled([...pendingReports]);
    await options.runner.close();
    // What is not delivered by then stays on disk and is sent by the next start.
    const flushed = await options.outbox.flush(options.outboxFlushMs ?? DEFAULT_OUTBOX_FLUSH_MS);
    if (!flushed) options.logger.warn('reports still pending at shutdown; they are sent at the next start', { pending: options.outbox.size });
    await options.outbox.stop();
  }
}

function shuttingDownError(): AppError {
  return new AppError('SHUTTING_DOWN', 'The worker is shutting down and takes no new tasks');
}
