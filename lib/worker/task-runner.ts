import type { Logger } from '../log/logger.js';
import type { ForLoopStatus, OutputData, TokenUsage } from '../schemas/wire/control-plane-requests.js';
import type { Task } from '../schemas/wire/task.js';

/** What one run of an automation produced; files are already in the task's directory. */
export type TaskRunOutcome = {
  status: 'success' | 'failed';
  error: string | null;
  outputData: OutputData[];
  finalScreenshot: string | null;
  forLoopStatus: ForLoopStatus[][];
  downloads: string[];
  tokenUsage?: TokenUsage | null;
};

/** A task whose recording passed the acceptance check, with its parsed automation. */
export type AcceptedTask<TAutomation = unknown> = { task: Task; automation: TAutomation };

/** Runs one accepted task in a browser. Implementations never throw for a failing automation. */
export interface TaskRunner<TAutomation = unknown> {
  run(accepted: AcceptedTask<TAutomation>, options: { logger: Logger; signal?: AbortSignal }): Promise<TaskRunOutcome>;
  close(): Promise<void>;
}
