import { LLM_SETTING } from '../action-support.js';
import type { RunState } from './run-state.js';

/** A step could not run because something outside the recording is missing; the message names it. */
export class StepNeedsError extends Error {
  override name = 'StepNeedsError';
}

/**
 * The failure of a step that needs an LLM, naming the step and the setting. A recorded command
 * has always been tried first; this is what the original would have asked its LLM next.
 */
export function llmUnavailable(state: Pick<RunState, 'nodePath' | 'services'>, what: string): StepNeedsError {
  const where = `${state.nodePath} (${what})`;
  if (!state.services.llm.apiKeySet) return new StepNeedsError(`${where} needs an LLM, and none is configured: set ${LLM_SETTING} (model ${state.services.llm.model})`);
  return new StepNeedsError(`${where} needs an LLM; ${LLM_SETTING} is set, but this worker version does not call LLMs yet`);
}
