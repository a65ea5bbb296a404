import type { WorkerRuntime } from './worker-runtime.js';

/**
 * The runtime the handlers of this process serve. The entry point that starts a worker (the
 * local shim, a Lambda bootstrap, an ECS container) registers it once; handlers resolve it per
 * request, so one `handler` export serves every way of running.
 */
let current: WorkerRuntime | undefined;
let factory: (() => Promise<WorkerRuntime>) | undefined;
let pending: Promise<WorkerRuntime> | undefined;

export function setWorkerRuntime(runtime: WorkerRuntime | undefined): void {
  current = runtime;
  pending = undefined;
}

/** Lets an entry point build the runtime lazily, on the first request (cold starts stay light). */
export function setWorkerRuntimeFactory(create: () => Promise<WorkerRuntime>): void {
  factory = create;
  pending = undefined;
}

export async function getWorkerRuntime(): Promise<WorkerRuntime> {
  if (current) return current;
  if (!factory) throw new Error('No worker runtime is registered in this process');
  pending ??= factory().then((runtime) => (current = runtime));
  return pending;
}
