import type { Browser } from 'playwright-core';
import { runAutomation } from '../../lib/automation/runner/run-automation.js';
import type { RunServices } from '../../lib/automation/runner/run-services.js';
import type { StepFilesLayout } from '../../lib/automation/runner/step-file-sink.js';
import type { WorkerCapabilities } from '../../lib/automation/worker-capabilities.js';
import type { TaskInput } from '../../lib/schemas/wire/task.js';
import { silentLogger, type Logger } from '../../lib/log/logger.js';
import { acceptTask } from '../../lib/worker/accept-task.js';
import { makeTask } from './task-fixture.js';

/**
 * Accepts a recording the way the worker does (full validation, directories), then runs it in
 * `browser`. Input parameters are declared in the recording from the task's values.
 */
export async function runRecording(
  browser: Browser,
  automation: Record<string, unknown>,
  task: Partial<TaskInput> = {},
  logger: Logger = silentLogger,
  worker: { services?: RunServices; capabilities?: WorkerCapabilities; stepFiles?: StepFilesLayout } = {},
) {
  const accepted = await acceptTask(makeTask({ automation, input_parameters: {}, ...task }), worker.capabilities);
  const outcome = await runAutomation({ task: accepted.task, automation: accepted.automation, browser, logger, downloadTimeoutSeconds: 10, services: worker.services, stepFiles: worker.stepFiles });
  return { task: accepted.task, outcome };
}

/** An automation object in the current format with the given nodes and inputs. */
export function recording(url: string, nodes: unknown[], inputParameters: Record<string, unknown[]> = {}, extra: Record<string, unknown> = {}) {
  return { url, parameters: { input_parameters: inputParameters, generated_parameters: {} }, nodes, ...extra };
}
