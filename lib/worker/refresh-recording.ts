import { ControlPlaneRejectedError, errorMessage } from '../errors.js';
import type { ControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import type { Task } from '../schemas/wire/task.js';
import { sleep } from '../automation/runner/wait.js';
import type { AcceptedTask } from './task-runner.js';

export type RefreshOptions = {
  controlPlane: Pick<ControlPlaneClient, 'getRecording'>;
  /** The acceptance check, run again on the recording as it is now. */
  accept: (task: Task) => Promise<AcceptedTask>;
  logger: Logger;
  /** Waits between attempts when the control plane is unreachable or answers 5xx. */
  retryDelaysMs?: number[];
  signal?: AbortSignal;
};

const RETRY_DELAYS_MS = [1_000, 2_000, 4_000];

/**
 * The current protocol fetches the recording again right before a run, so an edit made while
 * the task waited is what runs; the new version goes through the acceptance check again. When
 * it cannot be fetched, the version the task was accepted with runs (as the original keeps its
 * in-memory automation). The recording's callback is used only when the task has none.
 */
export async function refreshRecording(accepted: AcceptedTask, options: RefreshOptions): Promise<AcceptedTask> {
  const { task } = accepted;
  const acceptedAutomation = task.automation;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await options.controlPlane.getRecording(task.api_key, task.recording_id);
      task.automation = answer.automation;
      if (!task.callback_url && !task.task_callback_url && answer.callback_url) task.callback_url = answer.callback_url;
      return await options.accept(task);
    } catch (error) {
      // A recording that no longer passes the check fails the task: running an old copy of it
      // would hide the problem.
      if (!isFetchFailure(error)) throw error;
      const delay = delays[attempt];
      if (delay === undefined || error instanceof ControlPlaneRejectedError || options.signal?.aborted) {
        options.logger.warn('recording could not be fetched again; running the version the task was accepted with', { task_id: task.task_id, recording_id: task.recording_id, error: errorMessage(error) });
        task.automation = acceptedAutomation;
        return accepted;
      }
      await sleep(delay, options.signal);
    }
  }
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CONTROL_PLANE_');
}
