import { PrivateNodeRegistry } from '../private-nodes/private-node-registry.js';
import type { SecretReaders } from './secure-values.js';
import { createLlmClient, llmSettingsWithoutModel } from '../../llm/create-llm-client.js';
import type { LlmClient } from '../../llm/llm-client.js';
import type { TwoFaMessageSource } from './extraction/two-fa-messages.js';
import type { FileLimits } from './file-limits.js';


/**
 * The human-in-the-loop hand-off: the runner tells the control plane a person is needed, then
 * waits until the worker is told the person has finished (or the step's time runs out).
 */
export interface HumanInLoopGate {
  notify(task: { task_id: string; api_key: string }): Promise<void>;
  /** Resolves true once released, false when `timeoutMs` passes first. */
  waitForRelease(taskId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
}

/** What a run uses from the worker around it, beyond the browser. */
export type RunServices = {
  /** The model LLM steps ask; `unavailable()` says why a model cannot be asked here. */
  llm: LlmClient;
  /** Bound on the page text one model question carries (LLM_PAGE_SNAPSHOT_MAX_CHARS). */
  pageSnapshotMaxChars: number;
  privateNodes: PrivateNodeRegistry;
  allowCodeSteps: boolean;
  humanInLoop: HumanInLoopGate | null;
  secrets: SecretReaders;
  /** Where 2FA steps read their messages (the control plane's fetch_*_messages); none: such steps fail naming it. */
  twoFaMessages?: TwoFaMessageSource;
  /** Record a Playwright trace of each run in logs/trace.zip (TASK_TRACE); absent means on. */
  trace?: boolean;
  /** Keep a screenshot of the page as each step began in its folder (STEP_SCREENSHOTS); absent means on. */
  stepScreenshots?: boolean;
  /** UPLOAD_FILES_DIR, FILE_FETCH_*, MAX_DOWNLOAD_BYTES, MAX_LOOP_ITERATIONS; defaults when absent (file-limits.ts). */
  files?: Partial<FileLimits>;
};

export const DEFAULT_RUN_SERVICES: RunServices = {
  llm: createLlmClient(llmSettingsWithoutModel()),
  pageSnapshotMaxChars: 60_000,
  privateNodes: new PrivateNodeRegistry(),
  allowCodeSteps: false,
  humanInLoop: null,
  secrets: {},
  trace: true,
};
