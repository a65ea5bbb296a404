import type { LlmQueryAction } from '../../../schemas/automation/misc-action.js';
import { buildAnswerFormatFromRecorded } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { outputVariablesOf } from '../../../llm/output-variables.js';
import type { RunState } from '../run-state.js';
import { askLlm } from './ask-llm.js';

const SYSTEM = 'You are a helpful assistant. Follow the instructions and answer in the JSON format given.';

/**
 * misc_action.llm_query as the original: the model gets the instructions only (no page), and its
 * answer becomes an OutputData without an identifier plus the output variables.
 */
export async function runLlmQuery(state: RunState, action: LlmQueryAction): Promise<void> {
  const reply = await askLlm(state, {
    what: 'misc_action.llm_query',
    system: SYSTEM,
    prompt: action.prompt_instructions,
    format: buildAnswerFormatFromRecorded(action.output_format),
    model: chooseStepModel(action, state.task),
  });
  state.outputData.push({ unique_identifier: null, json_data: reply.answer });
  Object.assign(state.generated, outputVariablesOf(reply.answer, action.output_variable_names));
}
