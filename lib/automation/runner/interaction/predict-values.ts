import { buildAnswerFormatFromRecorded, type AnswerFormat } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { askLlm } from '../llm/ask-llm.js';
import { pageForModel } from '../llm/page-for-model.js';
import type { RunState } from '../run-state.js';

const INPUT_TEXT_FORMAT = buildAnswerFormatFromRecorded({ input_text: 'str' });
const SELECT_VALUES_FORMAT = buildAnswerFormatFromRecorded({ select_values: 'list[str]' });

const INPUT_TEXT_SYSTEM = [
  'You decide what a browser automation types into one field of a web page.',
  'You get the goal of the step, the parameters of the task (name: values) and the page as indexed lines.',
  'Answer with the exact text to type, taken from the parameters when one fits the goal, with nothing added around it.',
  'Answer null when neither the goal nor the parameters say what to type.',
].join(' ');

const SELECT_VALUES_SYSTEM = [
  'You decide which options a browser automation selects in one dropdown of a web page.',
  'You get the goal of the step, the parameters of the task (name: values) and the page as indexed lines, where a select lists its options.',
  'Answer with the values or visible labels of the options to select, exactly as the page shows them, usually one.',
  'Answer null when neither the goal nor the parameters say what to select.',
].join(' ');

/**
 * The text for an input_text step recorded without one. Null means the model did not know,
 * and the step is then skipped, as in the original.
 */
export async function predictInputText(state: RunState, goal: string): Promise<string | null> {
  const answer = await predict(state, 'input_text: no input_text recorded; predicting it from prompt_instructions', INPUT_TEXT_SYSTEM, INPUT_TEXT_FORMAT, goal);
  const text = answer.input_text;
  return typeof text === 'string' ? text : null;
}

/** The values for a select_option step recorded without them; null (or none) skips the step. */
export async function predictSelectValues(state: RunState, goal: string): Promise<string[] | null> {
  const answer = await predict(state, 'select_option: no select_values recorded; predicting them from prompt_instructions', SELECT_VALUES_SYSTEM, SELECT_VALUES_FORMAT, goal);
  const values = answer.select_values;
  return Array.isArray(values) && values.length > 0 ? values.map(String) : null;
}

async function predict(state: RunState, what: string, system: string, format: AnswerFormat, goal: string): Promise<Record<string, unknown>> {
  const { snapshot } = await pageForModel(state, { screenshot: false });
  const reply = await askLlm(state, {
    what,
    system,
    prompt: `Goal: ${goal}\n\nParameters:\n${describeParameters(state)}\n\nPage:\n${snapshot.text}`,
    format,
    model: chooseStepModel(null, state.task),
    snapshot: snapshot.text,
  });
  return reply.answer;
}

/**
 * Only the task's input parameters: secure parameters never reach a prompt, and the model has
 * no need for them, since a recording names a secret it types instead of predicting it.
 */
function describeParameters(state: RunState): string {
  const entries = Object.entries(state.task.input_parameters);
  if (entries.length === 0) return '(none)';
  return entries.map(([name, values]) => `${name}: ${JSON.stringify(values)}`).join('\n');
}
