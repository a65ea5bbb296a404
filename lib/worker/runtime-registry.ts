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
 * gets the local worker built from settings. Imported lazily: the handlers that never need it
 * stay light.
 */
async function createRuntimeFromSettings(): Promise<WorkerRuntime> {
  const [{ getLoadedSettings }, { createLocalRuntime }, { createLogger }] = await Promise.all([
    import('../config/settings.js'),
    import('./create-local-runtime.js'),
    import('../log/logger.js'),
  ]);
  const { settings } = getLoadedSettings();
  return createLocalRuntime(settings, { logger: createLogger({ level: settings.LOG_LEVEL, bindings: { component: 'worker' } }), childProcessId: '0' });
}
