import type { LlmAssertion } from '../../../schemas/automation/assertion-action.js';
import { runLlmExtraction } from '../extraction/llm-extraction.js';
import type { RunState } from '../run-state.js';

/** What the original puts before the recording's own condition. */
const ASSERTION_PREAMBLE = [
  'Check whether the condition below holds, using what you are shown of the page.',
  'assertion_result is true when the condition holds and false when it does not.',
  'assertion_reason says briefly why.',
].join('\n');

/** The step did run, and the model found its condition false (or gave no verdict). */
export class AssertionFailedError extends Error {
  override name = 'AssertionFailedError';
}

/**
 * assertion_action.llm as the original: an LLM extraction (screenshot by default) answering
 * {assertion_result, assertion_reason}; a result that is not true fails the task with the reason.
 */
export async function runLlmAssertion(state: RunState, assertion: LlmAssertion): Promise<void> {
  const answer = await runLlmExtraction(
    state,
    { ...assertion, extraction_instructions: `${ASSERTION_PREAMBLE}\n\nCondition: ${assertion.extraction_instructions}` },
    { what: 'assertion_action.llm', uniqueIdentifier: null },
  );
  if (answer.assertion_result === true) return;
  const reason = typeof answer.assertion_reason === 'string' && answer.assertion_reason.trim() !== '' ? answer.assertion_reason : 'the model gave no reason';
  const verdict = answer.assertion_result === false ? 'Assertion failed' : 'Assertion failed (the model gave no result)';
  throw new AssertionFailedError(`${state.nodePath}: ${verdict}: ${reason}`);
}
