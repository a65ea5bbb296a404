import { AppError, errorMessage, type Problem } from '../errors.js';
import type { InferenceRequest } from '../schemas/wire/inference-request.js';
import type { Task } from '../schemas/wire/task.js';

export type HealthReport =
  | { healthy: true; taskRunning: boolean; queuedTasks: number }
  | { healthy: false; message: string };

export type AllocationResult = {
  taskIds: string[];
  /** Tasks refused at acceptance (their recording cannot run); each was reported failed. */
  rejected: RejectedTask[];
};

/** A task refused at acceptance: why, and each problem with its JSON path in the task. */
export type RejectedTask = { task_id: string; error: string; problems: Problem[] };

/** The refusal of `task` for `error`, with the problems a domain error lists (else none). */
export function rejectedTask(task: Task, error: unknown): RejectedTask {
  return { task_id: task.task_id, error: errorMessage(error), problems: error instanceof AppError ? error.problems : [] };
}

/**
 * What the HTTP handlers need from a worker. The local process implements it with an in-memory
 * queue; other runtimes (a queue service, an ECS fleet) provide their own implementation.
 */
export interface WorkerRuntime {
  submitInference(request: InferenceRequest): Promise<{ taskId: string }>;
  allocateTasks(tasks: Task[]): Promise<AllocationResult>;
  /** Synchronous in the local worker; a runtime whose queue is a service asks it. */
  health(): HealthReport | Promise<HealthReport>;
  isTaskRunning(): boolean;
  /**
   * POST /kill_task: queued tasks with these ids are dropped and reported `cancelled`; the
   * running one is stopped and ends `cancelled`. Answers how many of the ids it held.
   */
  killTasks(taskIds: string[]): number;
  setChildProcessId(childProcessId: string, uniqueChildArn?: string | null): void;
  /** POST /human_in_loop_completed: the person has finished the task's waiting step. */
  humanInLoopCompleted(taskId: string): void;
  /** GET /hitl_status: whether that was reported (reading true clears it). */
  humanInLoopStatus(taskId: string): boolean;
  /**
   * Stops taking tasks, reports the queued ones `cancelled`, lets the running one finish within
   * `graceSeconds` (then stops it as `killed`), waits for the reports, releases the browser.
   */
  close(options?: { graceSeconds?: number }): Promise<void>;
}
