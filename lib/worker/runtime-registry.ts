import type { WorkerRuntime } from './worker-runtime.js';

/**
 * The runtime the handlers of this process serve. The entry point that starts a worker (the
 * local shim, a Lambda bootstrap, an ECS container) registers it once; handlers resolve it per
 * request, so one `handler` export serves every way of running.
 */
let current: WorkerRuntime | undefined;
let pending: Promise<WorkerRuntime> | undefined;

export function setWorkerRuntime(runtime: WorkerRuntime | undefined): void {
  current = runtime;
  pending = undefined;
}

/** Unregisters `runtime` if it is the one registered (a second worker in the process keeps its own). */
export function clearWorkerRuntime(runtime: WorkerRuntime): void {
  if (current === runtime) setWorkerRuntime(undefined);
}

export async function getWorkerRuntime(): Promise<WorkerRuntime> {
  if (current) return current;
  pending ??= createRuntimeFromSettings().then((runtime) => (current = runtime));
  return pending;
}

/**
 * A handler invoked with no runtime registered (a bare Lambda invocation, the event runner)
 * gets the runtime WORKER_RUNTIME names, built from settings: the local worker, or the SQS
 * queue of a Lambda deployment. Imported lazily: the handlers that never need one stay light,
 * and the SQS runtime never loads the browser.
 */
async function createRuntimeFromSettings(): Promise<WorkerRuntime> {
  const [{ getLoadedSettings }, { createLogger, chooseLogFormat }] = await Promise.all([import('../config/settings.js'), import('../log/logger.js')]);
  const { settings } = getLoadedSettings();
  const logger = createLogger({ level: settings.LOG_LEVEL, format: chooseLogFormat(settings.LOG_FORMAT), bindings: { component: 'worker' } });
  if (settings.WORKER_RUNTIME === 'sqs') {
    const { createSqsRuntimeFromSettings } = await import('./create-sqs-runtime.js');
    return createSqsRuntimeFromSettings(settings, { logger });
  }
  const { createLocalRuntime } = await import('./create-local-runtime.js');
  return createLocalRuntime(settings, { logger, childProcessId: '0' });
}
