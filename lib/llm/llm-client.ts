import type { AnswerFormat, LlmAnswer } from './extraction-format-schema.js';
import type { TokenUsage } from './token-usage.js';

/** One question to a model: instructions, the text (page snapshot, messages), an optional image or PDF. */
export type LlmCall = {
  system: string;
  prompt: string;
  format: AnswerFormat;
  /** The step's model (`provider/model`); null asks the worker's LLM_MODEL. */
  model: string | null;
  screenshot?: Buffer;
  pdf?: { data: Buffer; filename: string };
  signal?: AbortSignal;
};

export type LlmAttempt = { model: string; error: string | null };

export type LlmReply = {
  answer: LlmAnswer;
  /** The model's text as it came, before validation (kept in the step's llm_response.json). */
  text: string;
  /** The model that answered (the fallback when the first model failed). */
  model: string;
  /** Usage of every attempt, failed ones included: they are billed too. */
  usage: TokenUsage;
  attempts: LlmAttempt[];
};

/** Every model tried failed; `attempts` says how, in order. */
export class LlmCallError extends Error {
  override name = 'LlmCallError';

  constructor(
    readonly attempts: LlmAttempt[],
    readonly usage: TokenUsage,
  ) {
    super(`The LLM call failed: ${attempts.map((a) => `${a.model}: ${a.error ?? 'no answer'}`).join('; then ')}`);
  }
}

/** What the runner asks of a model. The worker builds one from its settings (create-llm-client.ts). */
export interface LlmClient {
  /** The worker's LLM_MODEL: what a step without its own model asks. */
  readonly defaultModel: string;
  /** Why `model` (null: the default) cannot be asked on this worker, naming the setting to set; null when it can. */
  unavailable(model: string | null): string | null;
  generate(call: LlmCall): Promise<LlmReply>;
}
