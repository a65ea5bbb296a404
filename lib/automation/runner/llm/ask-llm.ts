import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnswerFormat } from '../../../llm/extraction-format-schema.js';
import { LlmCallError, type LlmReply } from '../../../llm/llm-client.js';
import { addTokenUsage } from '../../../llm/token-usage.js';
import type { RunState } from '../run-state.js';
import { maskSecureValues } from '../mask-secure-values.js';
import { stepDirectory } from '../step-files.js';
import { llmUnavailable } from '../step-needs.js';

export type LlmQuestion = {
  /** The part of the step asking, for errors and logs: `extraction_action.llm`, `click_element`. */
  what: string;
  system: string;
  prompt: string;
  format: AnswerFormat;
  /** The step's model (chooseStepModel); null for the worker's LLM_MODEL. */
  model: string | null;
  /** The page text shown to the model, kept as the step's axtree.txt. */
  snapshot?: string;
  screenshot?: Buffer;
  pdf?: { data: Buffer; filename: string };
};

export type StepLlmReply = LlmReply & {
  /** Adds what the step did with the answer (the element it chose) to the step's llm_response.json. */
  record(extra: Record<string, unknown>): Promise<void>;
};

/** The model could not give a usable answer; the message names the step and every model tried. */
export class LlmStepError extends Error {
  override name = 'LlmStepError';
}

/**
 * Asks the model one question for the running step. Token usage is added to the run's total,
 * and the step's folder keeps what was asked and answered as the original does: axtree.txt,
 * final_prompt.txt and llm_response.json (with `_2`, `_3` for later questions of the same step).
 * A secure value the page shows (a typed user name) is masked in the page text and the prompt,
 * so it reaches neither the model nor the trajectory; password fields are masked by the snapshot.
 */
export async function askLlm(state: RunState, asked: LlmQuestion): Promise<StepLlmReply> {
  const missing = llmUnavailable(state, asked.what, asked.model);
  if (missing) throw missing;
  const mask = (text: string) => maskSecureValues(text, state.secure);
  const question = { ...asked, prompt: mask(asked.prompt), snapshot: asked.snapshot === undefined ? undefined : mask(asked.snapshot) };
  const files = await stepFiles(state);
  state.askedLlm.add(state.stepIndex);
  const writes: Promise<void>[] = [writeFile(files.prompt, `${question.system}\n\n${question.prompt}\n`)];
  if (question.snapshot !== undefined) writes.push(writeFile(files.axtree, question.snapshot));
  await Promise.all(writes);

  const started = Date.now();
  let reply: LlmReply;
  try {
    reply = await state.services.llm.generate({
      system: question.system,
      prompt: question.prompt,
      format: question.format,
      model: question.model,
      screenshot: question.screenshot,
      pdf: question.pdf,
      signal: state.signal,
    });
  } catch (error) {
    if (error instanceof LlmCallError) {
      addTokenUsage(state.tokenUsage, error.usage);
      await writeJson(files.response, { error: error.message, attempts: error.attempts, usage: error.usage });
      state.logger.warn('llm call failed', { step_index: state.stepIndex, what: question.what, attempts: error.attempts });
      throw new LlmStepError(`${state.nodePath} (${question.what}): ${error.message}`);
    }
    throw error;
  }
  addTokenUsage(state.tokenUsage, reply.usage);
  const response: Record<string, unknown> = { model: reply.model, attempts: reply.attempts, text: reply.text, answer: reply.answer, usage: reply.usage };
  await writeJson(files.response, response);
  state.logger.info('llm answered', {
    step_index: state.stepIndex,
    what: question.what,
    model: reply.model,
    input_tokens: reply.usage.input_tokens,
    output_tokens: reply.usage.output_tokens,
    duration_ms: Date.now() - started,
  });
  return {
    ...reply,
    record: (extra) => writeJson(files.response, { ...response, ...extra }),
  };
}

async function stepFiles(state: RunState): Promise<{ prompt: string; axtree: string; response: string }> {
  const dir = stepDirectory(state, state.stepIndex);
  await mkdir(dir, { recursive: true });
  let suffix = '';
  for (let n = 2; existsSync(join(dir, `final_prompt${suffix}.txt`)); n++) suffix = `_${n}`;
  return { prompt: join(dir, `final_prompt${suffix}.txt`), axtree: join(dir, `axtree${suffix}.txt`), response: join(dir, `llm_response${suffix}.json`) };
}

function writeJson(path: string, value: unknown): Promise<void> {
  return writeFile(path, JSON.stringify(value, null, 2));
}

