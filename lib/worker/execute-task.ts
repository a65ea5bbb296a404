import { errorMessage } from '../errors.js';
import { reportTaskEnd, reportTaskStart, type ReportContext } from './report-task.js';
import { outcomeAfterStop, type AcceptedTask, type TaskRunner, type TaskRunOutcome } from './task-runner.js';

export type ExecuteContext = ReportContext & {
  runner: TaskRunner;
  signal?: AbortSignal;
  /** Fetches the recording again right before the run (the current protocol) and re-checks it. */
  refreshRecording?: (accepted: AcceptedTask) => Promise<AcceptedTask>;
};

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
    // Written to the outbox, not awaited on the wire: a control plane that is down now gets
    // the start report when it is back, and the task runs meanwhile.
    await reportTaskStart(task, ctx.outbox);
    logger.info('task started', { endpoint_name: task.endpoint_name });
    const current = ctx.refreshRecording ? await ctx.refreshRecording(accepted) : accepted;
    outcome = await runSafely(current, ctx, logger);
  } catch (error) {
    logger.error('task could not run', { error });
    outcome = failedOutcome(`The automation could not run: ${errorMessage(error)}`);
  }

  task.status = outcome.status;
  task.error = outcome.error;
  logger.info('task finished', { status: outcome.status, error: outcome.error, duration_ms: ctx.now().getTime() - startedAt.getTime() });
  await reportTaskEnd(task, outcome, { ...ctx, logger });
  return outcome;
}

async function runSafely(accepted: AcceptedTask, ctx: ExecuteContext, logger: ReportContext['logger']): Promise<TaskRunOutcome> {
  try {
    return outcomeAfterStop(await ctx.runner.run(accepted, { logger, signal: ctx.signal }), ctx.signal);
  } catch (error) {
    logger.error('task run failed', { error });
    return outcomeAfterStop(failedOutcome(`The automation could not run: ${errorMessage(error)}`), ctx.signal);
  }
}
