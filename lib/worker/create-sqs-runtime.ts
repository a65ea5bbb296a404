import type { SQSClient } from '@aws-sdk/client-sqs';
import { join } from 'node:path';
import type { Settings } from '../config/settings.js';
import { AppError } from '../errors.js';
import { createControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import { capabilitiesFromSettings } from '../automation/worker-capabilities.js';
import { acceptTask } from './accept-task.js';
import { createReportDelivery } from './outbox/deliver-report.js';
import { Outbox } from './outbox/outbox.js';
import { createSqsRuntime } from './sqs-runtime.js';
import type { WorkerRuntime } from './worker-runtime.js';

/** /tmp is the only writable folder of a Lambda function. */
const LAMBDA_OUTBOX_DIR = '/tmp/optexity-outbox/api';

/**
 * Wires the SQS runtime from settings. It needs no browser: the API functions that use it stay
 * free of playwright-core, and only the task-runner function carries Chromium.
 */
export async function createSqsRuntimeFromSettings(settings: Settings, options: { logger: Logger; sqs?: SQSClient }): Promise<WorkerRuntime> {
  if (!settings.TASK_QUEUE_URL) throw new AppError('CONFIG_INVALID', 'TASK_QUEUE_URL: required with WORKER_RUNTIME=sqs');
  const controlPlane = createControlPlaneClient({ settings });
  const outbox = new Outbox({
    directory: settings.OUTBOX_DIR ?? LAMBDA_OUTBOX_DIR,
    deliver: createReportDelivery({ controlPlane, logger: options.logger }),
    logger: options.logger,
    baseDelayMs: settings.OUTBOX_RETRY_BASE_SECONDS * 1000,
    maxDelayMs: settings.OUTBOX_RETRY_MAX_SECONDS * 1000,
  });
  void outbox.start().catch((error: unknown) => options.logger.error('outbox could not be opened', { error }));
  const capabilities = capabilitiesFromSettings(settings);
  return createSqsRuntime({
    // Imported here, not at the top: see loadSqsCommands in sqs-runtime.ts.
    sqs: options.sqs ?? new (await import('@aws-sdk/client-sqs')).SQSClient({}),
    queueUrl: settings.TASK_QUEUE_URL,
    controlPlane,
    acceptTask: (task) => acceptTask(task, capabilities),
    outbox,
    logger: options.logger,
  });
}
