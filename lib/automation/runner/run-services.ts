import { PrivateNodeRegistry } from '../private-nodes/private-node-registry.js';
import type { SecretReaders } from './secure-values.js';

/** The model settings LLM steps read (the LLM client itself is not part of this worker yet). */
export type LlmSettings = { model: string; apiKeySet: boolean };

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
  llm: LlmSettings;
  privateNodes: PrivateNodeRegistry;
  allowCodeSteps: boolean;
  humanInLoop: HumanInLoopGate | null;
  secrets: SecretReaders;
};

export const DEFAULT_RUN_SERVICES: RunServices = {
  llm: { model: 'gemini/gemini-3.5-flash-lite', apiKeySet: false },
  privateNodes: new PrivateNodeRegistry(),
  allowCodeSteps: false,
  humanInLoop: null,
  secrets: {},
};
