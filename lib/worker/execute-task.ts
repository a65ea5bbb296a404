import { rm } from 'node:fs/promises';
import { errorMessage } from '../errors.js';
import { taskPaths } from '../schemas/wire/task.js';
import { reportTaskEnd, type ReportContext } from './report-task.js';
import type { AcceptedTask, TaskRunner, TaskRunOutcome } from './task-runner.js';

export type ExecuteContext = ReportContext & { runner: TaskRunner; keepTaskFiles: boolean; signal?: AbortSignal };

function failedOutcome(error: string): TaskRunOutcome {
  return { status: 'failed', error, outputData: [], finalScreenshot: null, forLoopStatus: [], downloads: [] };
}

/**
 * One task from start to its last report. Whatever fails — the start report, the browser, the
 * automation — the task ends `failed` with a readable error and complete_task is still sent, so
 * no task is ever left running or allocated.
 */
export async function executeTask(accepted: AcceptedTask, ctx: ExecuteContext): Promise<TaskRunOutcome> {
  const { task } = accepted;
  const logger = ctx.logger.child({ task_id: task.task_id });
  const startedAt = ctx.now();
  task.status = 'running';
  task.started_at = startedAt.toISOString();

  let outcome: TaskRunOutcome;
  try {
    await ctx.controlPlane.startTask(task.api_key, {
      task_id: task.task_id,
      started_at: task.started_at,
      allocated_at: task.allocated_at ?? null,
    });
    logger.info('task started', { endpoint_name: task.endpoint_name });
    outcome = await runSafely(accepted, ctx, logger);
  } catch (error) {
    logger.error('start_task failed', { error });
    outcome = failedOutcome(`Could not report the start of the task to the control plane: ${errorMessage(error)}`);
  }

  task.status = outcome.status;
  task.error = outcome.error;
  logger.info('task finished', { status: outcome.status, error: outcome.error, duration_ms: ctx.now().getTime() - startedAt.getTime() });
  await reportTaskEnd(task, outcome, { ...ctx, logger });
  if (!ctx.keepTaskFiles) await rm(taskPaths(task).taskDirectory, { recursive: true, force: true }).catch(() => {});
  return outcome;
}

async function runSafely(accepted: AcceptedTask, ctx: ExecuteContext, logger: ReportContext['logger']): Promise<TaskRunOutcome> {
  try {
    return await ctx.runner.run(accepted, { logger, signal: ctx.signal });
  } catch (error) {
    logger.error('task run failed', { error });
    return failedOutcome(`The automation could not run: ${errorMessage(error)}`);
  }
}
