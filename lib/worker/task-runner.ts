import type { Logger } from '../log/logger.js';
import type { ForLoopStatus, OutputData, TokenUsage } from '../schemas/wire/control-plane-requests.js';
import type { Task } from '../schemas/wire/task.js';

/** How a task ended: `killed` when it ran out of time or the worker shut down, `cancelled` by /kill_task. */
export type TaskEndStatus = 'success' | 'failed' | 'killed' | 'cancelled';

/** What one run of an automation produced; files are already in the task's directory. */
export type TaskRunOutcome = {
  status: TaskEndStatus;
  error: string | null;
  outputData: OutputData[];
  finalScreenshot: string | null;
  forLoopStatus: ForLoopStatus[][];
  downloads: string[];
  tokenUsage?: TokenUsage | null;
};

/** A task whose recording passed the acceptance check, with its parsed automation. */
export type AcceptedTask<TAutomation = unknown> = { task: Task; automation: TAutomation };

/**
 * Runs one accepted task in a browser. Implementations never throw for a failing automation, and
 * settle promptly once `signal` aborts (the worker relies on it to end hung tasks).
 */
export interface TaskRunner<TAutomation = unknown> {
  run(accepted: AcceptedTask<TAutomation>, options: { logger: Logger; signal?: AbortSignal }): Promise<TaskRunOutcome>;
  /** Loads now what the first task would otherwise wait for (code, not a browser). */
  warmUp?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The abort reason of a task stopped from outside (its time limit, /kill_task, a shutdown): the
 * status and error the task ends with, whatever the interrupted run itself returned.
 */
export class TaskStoppedError extends Error {
  readonly status: 'killed' | 'cancelled';

  constructor(status: 'killed' | 'cancelled', message: string) {
    super(message);
    this.name = 'TaskStoppedError';
    this.status = status;
  }
}

/** A task that ran past max_timeout_in_minutes: killed, with the original's message. */
export function timedOut(minutes: number): TaskStoppedError {
  return new TaskStoppedError('killed', `Automation timed out after ${minutes} minutes in process`);
}

/** An outcome with nothing produced, for a task that ended without a (complete) run. */
export function endedOutcome(status: TaskEndStatus, error: string | null): TaskRunOutcome {
  return { status, error, outputData: [], finalScreenshot: null, forLoopStatus: [], downloads: [] };
}

/** The outcome a stopped task ends with: its stop reason wins over what the interrupted run said. */
export function outcomeAfterStop(outcome: TaskRunOutcome, signal: AbortSignal | undefined): TaskRunOutcome {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  if (!(reason instanceof TaskStoppedError)) return outcome;
  return { ...outcome, status: reason.status, error: reason.message };
}
