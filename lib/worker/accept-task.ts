import { mkdir } from 'node:fs/promises';
import { RecordingInvalidError, type Problem } from '../errors.js';
import { checkTaskParameters } from '../automation/check-task-parameters.js';
import { validateRecording } from '../automation/validate-recording.js';
import { BASE_CAPABILITIES, type WorkerCapabilities } from '../automation/worker-capabilities.js';
import type { Automation } from '../schemas/automation/automation.js';
import { taskPaths, type Task } from '../schemas/wire/task.js';
import type { AcceptedTask } from './task-runner.js';

/**
 * The acceptance check, before a task is queued: its recording must pass the full validation
 * and the task's parameters must fit it. Then the task's directories are created, as the
 * original does when it validates a Task.
 */
export async function acceptTask(task: Task, capabilities: WorkerCapabilities = BASE_CAPABILITIES): Promise<AcceptedTask<Automation>> {
  if (!task.automation) {
    throw new RecordingInvalidError(task.endpoint_name, [{ path: 'automation', message: 'the task carries no automation' }]);
  }
  const result = validateRecording(task.automation, capabilities);
  if (!result.ok) throw new RecordingInvalidError(task.endpoint_name, prefixed(result.problems));
  const parameterProblems = checkTaskParameters(result.automation, task, capabilities);
  if (parameterProblems.length > 0) throw new RecordingInvalidError(task.endpoint_name, parameterProblems);
  const paths = taskPaths(task);
  await mkdir(paths.logsDirectory, { recursive: true });
  await mkdir(paths.downloadsDirectory, { recursive: true });
  return { task, automation: result.automation };
}

function prefixed(problems: Problem[]): Problem[] {
  return problems.map((problem) => ({ ...problem, path: problem.path ? `automation.${problem.path}` : 'automation' }));
}
