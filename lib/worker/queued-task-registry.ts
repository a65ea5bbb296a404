import type { QueuedTaskRunner } from './queued-task-runner.js';

/**
 * The task runner the run-task handler uses. Built from settings on the first invocation and
 * kept for the container's life, so a warm function reuses its browser; tests register one
 * built against their own control plane.
 */
let current: QueuedTaskRunner | undefined;
let pending: Promise<QueuedTaskRunner> | undefined;

export function setQueuedTaskRunner(runner: QueuedTaskRunner | undefined): void {
  current = runner;
  pending = undefined;
}

export async function getQueuedTaskRunner(): Promise<QueuedTaskRunner> {
  if (current) return current;
  pending ??= createQueuedTaskRunnerFromSettings().then((runner) => (current = runner));
  return pending;
}

/** Lambda's only writable folder; reports left there are sent by the next invocation of this container. */
const LAMBDA_OUTBOX_DIR = '/tmp/optexity-outbox/runner';

async function createQueuedTaskRunnerFromSettings(): Promise<QueuedTaskRunner> {
  const [{ getLoadedSettings }, { createLogger, chooseLogFormat }, { createTaskServices }, { createQueuedTaskRunner }] = await Promise.all([
    import('../config/settings.js'),
    import('../log/logger.js'),
    import('./task-services.js'),
    import('./queued-task-runner.js'),
  ]);
  const { settings } = getLoadedSettings();
  const logger = createLogger({ level: settings.LOG_LEVEL, format: chooseLogFormat(settings.LOG_FORMAT), bindings: { component: 'task-runner' } });
  return createQueuedTaskRunner({
    services: createTaskServices(settings, { logger, outboxDirectory: settings.OUTBOX_DIR ?? LAMBDA_OUTBOX_DIR }),
    logger,
    keepTaskFiles: settings.KEEP_TASK_FILES,
    outboxFlushMs: settings.OUTBOX_FLUSH_SECONDS * 1000,
  });
}
