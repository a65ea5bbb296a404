import type { Settings } from '../config/settings.js';
import { createControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import { acceptTask } from './accept-task.js';
import { createBrowserTaskRunner } from './browser-task-runner.js';
import { createLocalWorker, type LocalWorker } from './local-worker.js';

/** Wires a local worker from settings: control-plane client, browser runner, acceptance check. */
export function createLocalRuntime(settings: Settings, options: { logger: Logger; childProcessId: string }): LocalWorker {
  return createLocalWorker({
    controlPlane: createControlPlaneClient({ settings }),
    runner: createBrowserTaskRunner({
      chromiumPath: settings.CHROMIUM_PATH,
      downloadTimeoutSeconds: settings.DOWNLOAD_TIMEOUT_SECONDS,
      logger: options.logger,
    }),
    acceptTask,
    logger: options.logger,
    childProcessId: options.childProcessId,
    keepTaskFiles: settings.KEEP_TASK_FILES,
  });
}
