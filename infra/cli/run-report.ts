import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STEPS_FILE, TRACE_FILE } from '../../lib/automation/runner/step-summary.js';
import type { taskPaths } from '../../lib/schemas/wire/task.js';
import { outputDataForReport } from '../../lib/worker/report-task.js';
import type { TaskRunOutcome } from '../../lib/worker/task-runner.js';
import type { Io } from './args.js';

type TaskPaths = ReturnType<typeof taskPaths>;

/**
 * The end of `run`: the result on stdout (output data as the control plane would store it), and
 * on stderr how it ended and where its files are kept.
 */
export function reportRun(io: Io, run: { outcome: TaskRunOutcome; paths: TaskPaths; taskId: string; json: boolean }): void {
  const { outcome, paths } = run;
  const kept = keptFiles(paths);
  const result = {
    status: outcome.status,
    error: outcome.error,
    output_data: outputDataForReport(outcome.outputData),
    downloads: outcome.downloads,
    token_usage: outcome.tokenUsage ?? null,
  };
  io.out(run.json ? `${JSON.stringify({ ...result, task_id: run.taskId, ...kept })}\n` : `${JSON.stringify(result, null, 2)}\n`);
  const lines = [
    outcome.status === 'success' ? 'succeeded' : `${outcome.status}: ${outcome.error ?? 'no reason given'}`,
    `task folder: ${kept.task_directory}`,
    ...(kept.steps_file ? [`steps: ${kept.steps_file}`] : []),
    ...(kept.trace_file ? [`trace: ${kept.trace_file}`] : []),
    ...(outcome.downloads.length > 0 ? [`downloads: ${paths.downloadsDirectory}`] : []),
  ];
  io.err(lines.map((line) => `${line}\n`).join(''));
}

/** Where the run's files are; the steps list and the trace only when the run wrote them (TASK_TRACE=false writes none). */
function keptFiles(paths: TaskPaths) {
  const steps = join(paths.logsDirectory, STEPS_FILE);
  const trace = join(paths.logsDirectory, TRACE_FILE);
  return {
    task_directory: paths.taskDirectory,
    steps_file: existsSync(steps) ? steps : null,
    trace_file: existsSync(trace) ? trace : null,
  };
}
