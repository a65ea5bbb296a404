import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import type { PrivateNodeRegistry } from '../automation/private-nodes/private-node-registry.js';
import { join } from 'node:path';
import { createLocalWorker, type LocalWorker, type LocalWorkerOptions } from './local-worker.js';
import { createTaskServices } from './task-services.js';

export type LocalRuntimeOptions = {
  logger: Logger;
  childProcessId: string;
  /** Handlers for private nodes, registered in code by whoever embeds this worker. */
  privateNodes?: PrivateNodeRegistry;
  /** Running/idle transitions (ECS mode: scale-in protection). */
  onBusy?: LocalWorkerOptions['onBusy'];
  onIdle?: LocalWorkerOptions['onIdle'];
};

/** Wires a local worker from settings: control-plane client, browser runner, acceptance check. */
export function createLocalRuntime(settings: Settings, options: LocalRuntimeOptions): LocalWorker {
  const { controlPlane, outbox, runner, humanInLoop, accept, refreshRecording } = createTaskServices(settings, {
    logger: options.logger,
    outboxDirectory: settings.OUTBOX_DIR ?? join(settings.DATA_DIR, 'worker-outbox', options.childProcessId),
    ...(options.privateNodes ? { privateNodes: options.privateNodes } : {}),
    // The HTTP routes share this process: the task's browser work goes to a thread of its own.
    thread: settings.TASK_THREAD,
  });
  // Sends what an earlier process left pending, before any new task.
  void outbox.start().catch((error: unknown) => options.logger.error('outbox could not be opened', { error }));
  return createLocalWorker({
    controlPlane,
    runner,
    acceptTask: accept,
    outbox,
    outboxFlushMs: settings.OUTBOX_FLUSH_SECONDS * 1000,
    maxQueuedTasks: settings.MAX_QUEUED_TASKS,
    refreshRecording,
    logger: options.logger,
    childProcessId: options.childProcessId,
    keepTaskFiles: settings.KEEP_TASK_FILES,
    humanInLoop,
    ...(options.onBusy ? { onBusy: options.onBusy } : {}),
    ...(options.onIdle ? { onIdle: options.onIdle } : {}),
  });
}
