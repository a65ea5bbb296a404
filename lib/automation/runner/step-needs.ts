import { NEEDS_AN_AGENT } from '../action-support.js';
import type { RunState } from './run-state.js';

/** A step could not run because something outside the recording is missing; the message names it. */
export class StepNeedsError extends Error {
  override name = 'StepNeedsError';
}

/**
 * The failure of a step whose model cannot be asked on this worker, naming the step and what to
 * set. A recorded command has always been tried first.
 */
export function llmUnavailable(state: Pick<RunState, 'nodePath' | 'services'>, what: string, model: string | null = null): StepNeedsError | null {
  const reason = state.services.llm.unavailable(model);
  if (reason === null) return null;
  return new StepNeedsError(`${state.nodePath} (${what}) needs an LLM, and none is configured: ${reason}`);
}

/**
 * Steps the original hands to a browser-use agent (many model turns driving the browser). This
 * worker has no such agent: with or without a model, the step fails naming what it needs.
 */
export function agentUnavailable(state: Pick<RunState, 'nodePath'>, what: string): StepNeedsError {
  return new StepNeedsError(`${state.nodePath} (${what}) needs ${NEEDS_AN_AGENT}`);
}
