import type { Settings } from '../config/settings.js';
import { createControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import { PrivateNodeRegistry } from '../automation/private-nodes/private-node-registry.js';
import type { RunServices } from '../automation/runner/run-services.js';
import { capabilitiesFromSettings } from '../automation/worker-capabilities.js';
import { createAwsSecretReader } from '../secrets/aws-secrets-manager.js';
import { createOnePasswordReader } from '../secrets/one-password.js';
import { join } from 'node:path';
import { acceptTask } from './accept-task.js';
import { createReportDelivery } from './outbox/deliver-report.js';
import { Outbox } from './outbox/outbox.js';
import { refreshRecording } from './refresh-recording.js';
import { createBrowserTaskRunner } from './browser-task-runner.js';
import { createHumanInLoopGate } from './human-in-loop-gate.js';
import { createLocalWorker, type LocalWorker } from './local-worker.js';

export type LocalRuntimeOptions = {
  logger: Logger;
  childProcessId: string;
  /** Handlers for private nodes, registered in code by whoever embeds this worker. */
  privateNodes?: PrivateNodeRegistry;
};

/** Wires a local worker from settings: control-plane client, browser runner, acceptance check. */
export function createLocalRuntime(settings: Settings, options: LocalRuntimeOptions): LocalWorker {
  const controlPlane = createControlPlaneClient({ settings });
  const outbox = new Outbox({
    directory: settings.OUTBOX_DIR ?? join(settings.DATA_DIR, 'worker-outbox', options.childProcessId),
    deliver: createReportDelivery({ controlPlane, logger: options.logger }),
    logger: options.logger,
    baseDelayMs: settings.OUTBOX_RETRY_BASE_SECONDS * 1000,
    maxDelayMs: settings.OUTBOX_RETRY_MAX_SECONDS * 1000,
  });
  // Sends what an earlier process left pending, before any new task.
  void outbox.start().catch((error: unknown) => options.logger.error('outbox could not be opened', { error }));
  const privateNodes = options.privateNodes ?? new PrivateNodeRegistry();
  const capabilities = capabilitiesFromSettings(settings, privateNodes);
  const humanInLoop = createHumanInLoopGate(async (task) => {
    await controlPlane.humanInLoop(task.api_key, task.task_id);
  });
  const services: RunServices = {
    llm: { model: settings.LLM_MODEL, apiKeySet: settings.LLM_MODEL_API_KEY !== undefined },
    privateNodes,
    allowCodeSteps: settings.ALLOW_CODE_STEPS,
    humanInLoop,
    secrets: {
      awsSecretsManager: createAwsSecretReader(),
      ...(settings.OP_SERVICE_ACCOUNT_TOKEN ? { onePassword: createOnePasswordReader(settings.OP_SERVICE_ACCOUNT_TOKEN) } : {}),
    },
  };
  return createLocalWorker({
    controlPlane,
    runner: createBrowserTaskRunner({
      chromiumPath: settings.CHROMIUM_PATH,
      downloadTimeoutSeconds: settings.DOWNLOAD_TIMEOUT_SECONDS,
      logger: options.logger,
      services,
    }),
    acceptTask: (task) => acceptTask(task, capabilities),
    outbox,
    outboxFlushMs: settings.OUTBOX_FLUSH_SECONDS * 1000,
    refreshRecording: (accepted) => refreshRecording(accepted, { controlPlane, accept: (task) => acceptTask(task, capabilities), logger: options.logger }),
    logger: options.logger,
    childProcessId: options.childProcessId,
    keepTaskFiles: settings.KEEP_TASK_FILES,
    humanInLoop,
  });
}
