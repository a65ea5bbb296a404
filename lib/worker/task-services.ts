import { runServicesFromSettings } from './run-services-from-settings.js';
import type { Settings } from '../config/settings.js';
import { createControlPlaneClient, type ControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import { PrivateNodeRegistry } from '../automation/private-nodes/private-node-registry.js';
import type { Automation } from '../schemas/automation/automation.js';
import { capabilitiesFromSettings } from '../automation/worker-capabilities.js';
import type { Task } from '../schemas/wire/task.js';
import { acceptTask } from './accept-task.js';
import { createReportDelivery } from './outbox/deliver-report.js';
import { Outbox } from './outbox/outbox.js';
import { refreshRecording } from './refresh-recording.js';
import { browserTaskRunnerSettings, createBrowserTaskRunner } from './browser-task-runner.js';
import { createThreadedTaskRunner } from './thread/threaded-task-runner.js';
import { createHumanInLoopGate, type WorkerHumanInLoopGate } from './human-in-loop-gate.js';
import type { AcceptedTask, TaskRunner } from './task-runner.js';

export type TaskServicesOptions = {
  logger: Logger;
  /** Where reports wait to be delivered (one folder per worker process). */
  outboxDirectory: string;
  privateNodes?: PrivateNodeRegistry;
  /**
   * Run tasks in a worker thread (thread/threaded-task-runner.ts), for a process that also serves
   * HTTP. Handlers of private nodes registered in code cannot cross to a thread: with any, the
   * tasks run on this thread whatever this says.
   */
  thread?: boolean;
};

export type TaskServices = {
  controlPlane: ControlPlaneClient;
  outbox: Outbox;
  runner: TaskRunner;
  humanInLoop: WorkerHumanInLoopGate;
  accept: (task: Task) => Promise<AcceptedTask<Automation>>;
  refreshRecording: (accepted: AcceptedTask) => Promise<AcceptedTask>;
};

/**
 * What any process that runs tasks needs, built from settings: the control-plane client, the
 * outbox, the browser runner and the acceptance check. The local worker and the Lambda task
 * runner share it so both run a task the same way. The outbox is not started here: its owner
 * decides when to send what an earlier process left pending.
 */
export function createTaskServices(settings: Settings, options: TaskServicesOptions): TaskServices {
  const controlPlane = createControlPlaneClient({ settings });
  const outbox = new Outbox({
    directory: options.outboxDirectory,
    deliver: createReportDelivery({ controlPlane, logger: options.logger }),
    logger: options.logger,
    baseDelayMs: settings.OUTBOX_RETRY_BASE_SECONDS * 1000,
    maxDelayMs: settings.OUTBOX_RETRY_MAX_SECONDS * 1000,
  });
  const privateNodes = options.privateNodes ?? new PrivateNodeRegistry();
  const capabilities = capabilitiesFromSettings(settings, privateNodes);
  const humanInLoop = createHumanInLoopGate(async (task) => {
    await controlPlane.humanInLoop(task.api_key, task.task_id);
  });
  const accept = (task: Task) => acceptTask(task, capabilities);
  return {
    controlPlane,
    outbox,
    humanInLoop,
    accept,
    runner:
      options.thread && !options.privateNodes
        ? createThreadedTaskRunner({ settings, logger: options.logger, humanInLoop })
        : createBrowserTaskRunner({
            ...browserTaskRunnerSettings(settings),
            logger: options.logger,
            services: runServicesFromSettings(settings, { privateNodes, humanInLoop }),
          }),
    refreshRecording: (accepted) => refreshRecording(accepted, { controlPlane, accept, logger: options.logger }),
  };
}
