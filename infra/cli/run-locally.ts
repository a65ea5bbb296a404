import { mkdir, rm } from 'node:fs/promises';
import type { Settings } from '../../lib/config/settings.js';
import { errorMessage } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import type { RunAutomationOptions } from '../../lib/automation/runner/run-automation.js';
import type { RunServices } from '../../lib/automation/runner/run-services.js';
import type { StepSummary } from '../../lib/automation/runner/step-summary.js';
import type { Automation } from '../../lib/schemas/automation/automation.js';
import { taskPaths } from '../../lib/schemas/wire/task.js';
import { runAttempts } from '../../lib/worker/run-attempts.js';
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

/** The worker waits 10 s × 2^attempt between attempts of a recording with max_retries. */
const RETRY_BASE_DELAY_MS = 10_000;

/**
 * One accepted task in a headless Chromium launched as the worker launches it (the same
 * provider: packaged or CHROMIUM_PATH browser, crash detection, process-group cleanup), with the
 * recording's max_retries; the browser is closed at the end. Never throws for a failing run.
 */
export async function runLocally(options: LocalRunOptions): Promise<TaskRunOutcome> {
  // Loaded here, not at start-up: the other commands never pay for playwright-core.
  const [{ createBrowserProvider }, { runAutomation }] = await Promise.all([
    import('../../lib/automation/runner/browser-provider.js'),
    import('../../lib/automation/runner/run-automation.js'),
  ]);
  const { task, automation } = options.accepted;
  const { logger, signal } = options;
  const provider = createBrowserProvider({ chromiumPath: options.settings.CHROMIUM_PATH, logger });
  try {
    return await runAttempts({
      maxRetries: automation.max_retries,
      baseDelayMs: options.retryBaseDelayMs ?? RETRY_BASE_DELAY_MS,
      logger,
      signal,
      attempt: async (n) => {
        task.retry_count = n;
        let lease;
        try {
          lease = await provider.acquire();
        } catch (error) {
          return endedOutcome('failed', errorMessage(error));
        }
        // Stopped by the caller or by the browser dying under the run, whichever comes first.
        const stop = AbortSignal.any([signal, lease.lost]);
        const runOptions: RunAutomationOptions = {
          task,
          automation,
          browser: lease.browser,
          logger,
          signal: stop,
          downloadTimeoutSeconds: options.settings.DOWNLOAD_TIMEOUT_SECONDS,
          services: options.services,
          ...(options.onStep ? { onStep: options.onStep } : {}),
        };
        const outcome = await runAutomation(runOptions);
        if (lease.lost.aborted && !signal.aborted) return { ...outcome, status: 'failed', error: errorMessage(lease.lost.reason) };
        return outcomeAfterStop(outcome, signal);
      },
      beforeRetry: async () => {
        // A retry starts clean, as in the worker: nothing of the failed attempt is kept.
        const paths = taskPaths(task);
        for (const dir of [paths.downloadsDirectory, paths.logsDirectory]) {
          await rm(dir, { recursive: true, force: true });
          await mkdir(dir, { recursive: true });
        }
      },
    });
  } finally {
    await provider.close();
  }
}
