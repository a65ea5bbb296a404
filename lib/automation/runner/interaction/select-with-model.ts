import { buildAnswerFormatFromRecorded } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { askLlm } from '../llm/ask-llm.js';
import type { RunState } from '../run-state.js';
import { llmUnavailable } from '../step-needs.js';
import type { SelectOption } from './smart-select.js';

const FORMAT = buildAnswerFormatFromRecorded({ matched_values: 'list[str]' });

const SYSTEM = [
  'You match the values a browser automation wants to select against the options of one dropdown.',
  'You get the options (value and visible label) and the wanted patterns, which may be spelt differently from the options.',
  'Answer with the option values (the value field, exactly) that the patterns mean; an empty list when none fits.',
].join(' ');

/**
 * The last resort of smart select, as in the original: the model maps patterns that matched no
 * option by text onto the option values. Only asked when a model is configured, so a worker
 * without one keeps passing the patterns to Playwright; answers that are not option values are
 * dropped. Null means no usable match.
 */
export async function matchOptionsWithModel(state: RunState, options: SelectOption[], patterns: string[]): Promise<string[] | null> {
  const model = chooseStepModel(null, state.task);
  if (llmUnavailable(state, 'select_option', model)) return null;
  const reply = await askLlm(state, {
    what: 'select_option: matching select_values to the options',
    system: SYSTEM,
    prompt: `Options:\n${JSON.stringify(options, null, 2)}\n\nPatterns:\n${JSON.stringify(patterns)}`,
    format: FORMAT,
    model,
  });
  const known = new Set(options.map((option) => option.value));
  const answered = reply.answer.matched_values;
  const matched = Array.isArray(answered) ? answered.filter((value): value is string => typeof value === 'string' && known.has(value)) : [];
  state.logger.info('select options matched by the model', { step_index: state.stepIndex, matched: matched.length });
  return matched.length > 0 ? matched : null;
}
