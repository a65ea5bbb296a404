import type { Logger } from '../log/logger.js';
import type { Automation } from '../schemas/automation/automation.js';
import type { TaskRunner } from './task-runner.js';

type BrowserProvider = Awaited<ReturnType<typeof import('../automation/runner/browser-provider.js').createBrowserProvider>>;

/**
 * Runs tasks in one warm Chromium. playwright-core is imported on the first task only, so the
 * HTTP handlers (health, allocate_task) never load it.
 */
export function createBrowserTaskRunner(options: { chromiumPath?: string; downloadTimeoutSeconds: number; logger: Logger }): TaskRunner<Automation> {
  let provider: BrowserProvider | undefined;
  return {
    async run(accepted, { logger, signal }) {
      const [{ createBrowserProvider }, { runAutomation }] = await Promise.all([
        import('../automation/runner/browser-provider.js'),
        import('../automation/runner/run-automation.js'),
      ]);
      provider ??= createBrowserProvider({ chromiumPath: options.chromiumPath, logger: options.logger });
      const browser = await provider.getBrowser();
      return runAutomation({
        task: accepted.task,
        automation: accepted.automation,
        browser,
        logger,
        signal,
        downloadTimeoutSeconds: options.downloadTimeoutSeconds,
      });
    },
    async close() {
      await provider?.close();
    },
  };
}
