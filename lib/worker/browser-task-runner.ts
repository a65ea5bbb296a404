import { mkdir, rm } from 'node:fs/promises';
import type { RunServices } from '../automation/runner/run-services.js';
import type { Logger } from '../log/logger.js';
import type { Automation } from '../schemas/automation/automation.js';
import { taskPaths } from '../schemas/wire/task.js';
import { runAttempts } from './run-attempts.js';
import type { TaskRunner } from './task-runner.js';

type BrowserProvider = Awaited<ReturnType<typeof import('../automation/runner/browser-provider.js').createBrowserProvider>>;

/**
 * Runs tasks in one warm Chromium. playwright-core is imported on the first task only, so the
 * HTTP handlers (health, allocate_task) never load it.
 */
export type BrowserTaskRunnerOptions = {
  chromiumPath?: string;
  downloadTimeoutSeconds: number;
  logger: Logger;
  services?: RunServices;
  /** First wait between attempts of a recording with max_retries (doubles each time). */
  retryBaseDelayMs?: number;
};

const DEFAULT_RETRY_BASE_DELAY_MS = 10_000;

/** A retry starts clean: no downloads or step folders of the failed attempt are reported. */
async function clearAttemptFiles(paths: ReturnType<typeof taskPaths>): Promise<void> {
  for (const dir of [paths.downloadsDirectory, paths.logsDirectory]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
}

export function createBrowserTaskRunner(options: BrowserTaskRunnerOptions): TaskRunner<Automation> {
  let provider: BrowserProvider | undefined;
  return {
    async run(accepted, { logger, signal }) {
      const [{ createBrowserProvider }, { runAutomation }] = await Promise.all([
        import('../automation/runner/browser-provider.js'),
        import('../automation/runner/run-automation.js'),
      ]);
      provider ??= createBrowserProvider({ chromiumPath: options.chromiumPath, logger: options.logger });
      const browserProvider = provider;
      const { task, automation } = accepted;
      return runAttempts({
        maxRetries: automation.max_retries,
        baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
        logger,
        signal,
        attempt: async (n) => {
          task.retry_count = n;
          // Asked again each attempt: a browser that crashed is replaced before the retry.
          const browser = await browserProvider.getBrowser();
          return runAutomation({ task, automation, browser, logger, signal, downloadTimeoutSeconds: options.downloadTimeoutSeconds, services: options.services });
        },
        beforeRetry: () => clearAttemptFiles(taskPaths(task)),
      });
    },
    async close() {
      await provider?.close();
    },
  };
}
