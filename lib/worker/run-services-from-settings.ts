import { resolve } from 'node:path';
import { PrivateNodeRegistry } from '../automation/private-nodes/private-node-registry.js';
import { controlPlaneTwoFaMessages } from '../automation/runner/extraction/two-fa-messages.js';
import type { HumanInLoopGate, RunServices } from '../automation/runner/run-services.js';
import type { Settings } from '../config/settings.js';
import { createLlmClient } from '../llm/create-llm-client.js';
import { createAwsSecretReader } from '../secrets/aws-secrets-manager.js';
import { createOnePasswordReader } from '../secrets/one-password.js';

/**
 * What a run gets from the worker around it, from settings: the model, the secret stores, code
 * steps, the trace (TASK_TRACE), step screenshots (STEP_SCREENSHOTS) and the message endpoints
 * of 2FA steps. The worker and the CLI's `run` both build it here, so both run a recording the
 * same way; only the human-in-the-loop gate differs (a run with no worker server has none: such
 * a step fails at once).
 */
export function runServicesFromSettings(settings: Settings, options: { privateNodes?: PrivateNodeRegistry; humanInLoop?: HumanInLoopGate | null } = {}): RunServices {
  return {
    llm: createLlmClient(settings),
    pageSnapshotMaxChars: settings.LLM_PAGE_SNAPSHOT_MAX_CHARS,
    privateNodes: options.privateNodes ?? new PrivateNodeRegistry(),
    allowCodeSteps: settings.ALLOW_CODE_STEPS,
    trace: settings.TASK_TRACE,
    stepScreenshots: settings.STEP_SCREENSHOTS,
    files: {
      uploadFilesDir: resolve(settings.UPLOAD_FILES_DIR),
      fetchMaxBytes: settings.FILE_FETCH_MAX_BYTES,
      fetchTimeoutMs: settings.FILE_FETCH_TIMEOUT_SECONDS * 1000,
      maxDownloadBytes: settings.MAX_DOWNLOAD_BYTES,
      maxLoopIterations: settings.MAX_LOOP_ITERATIONS,
    },
    humanInLoop: options.humanInLoop ?? null,
    twoFaMessages: controlPlaneTwoFaMessages(settings),
    secrets: {
      awsSecretsManager: createAwsSecretReader(),
      ...(settings.OP_SERVICE_ACCOUNT_TOKEN ? { onePassword: createOnePasswordReader(settings.OP_SERVICE_ACCOUNT_TOKEN) } : {}),
    },
  };
}
