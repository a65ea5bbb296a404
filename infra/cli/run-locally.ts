import type { Settings } from '../../lib/config/settings.js';
import { errorMessage } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import type { RunServices } from '../../lib/automation/runner/run-services.js';
import type { StepSummary } from '../../lib/automation/runner/step-summary.js';
import type { Automation } from '../../lib/schemas/automation/automation.js';
import { createBrowserTaskRunner } from '../../lib/worker/browser-task-runner.js';
import { endedOutcome, outcomeAfterStop, type AcceptedTask, type TaskRunOutcome } from '../../lib/worker/task-runner.js';

export type LocalRunOptions = {
  accepted: AcceptedTask<Automation>;
  settings: Settings;
  services: RunServices;
  logger: Logger;
  /** Aborted with a TaskStoppedError (time limit, Ctrl-C): the run ends with its status and message. */
  signal: AbortSignal;
  onStep?: (step: StepSummary) => void;
  retryBaseDelayMs?: number;
};

/**
 * One accepted task through the worker's own task runner (the same browser provider, crash
 * detection, max_retries and clean retries), in a browser of its own that is closed at the end.
 * Never throws for a failing run: a browser that cannot start is a failed outcome too.
 */
export async function runLocally(options: LocalRunOptions): Promise<TaskRunOutcome> {
  const runner = createBrowserTaskRunner({
    chromiumPath: options.settings.CHROMIUM_PATH,
    downloadTimeoutSeconds: options.settings.DOWNLOAD_TIMEOUT_SECONDS,
    logger: options.logger,
    services: options.services,
    // The CLI's runs are for reading: their step folders are files.
    keepTaskFiles: true,
    ...(options.retryBaseDelayMs === undefined ? {} : { retryBaseDelayMs: options.retryBaseDelayMs }),
    ...(options.onStep ? { onStep: options.onStep } : {}),
  });
  try {
    // As the worker does: a stopped run ends with the stop's status and message.
    return outcomeAfterStop(await runner.run(options.accepted, { logger: options.logger, signal: options.signal }), options.signal);
  } catch (error) {
    return endedOutcome('failed', errorMessage(error));
  } finally {
    await runner.close();
  }
}
