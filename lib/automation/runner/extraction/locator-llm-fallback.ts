import type { LocatorExtraction } from '../../../schemas/automation/extraction-sub-actions.js';
import { buildAnswerFormatFromRecorded, type LlmAnswer } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { outputVariablesOf } from '../../../llm/output-variables.js';
import { askLlm } from '../llm/ask-llm.js';
import { pageForModel } from '../llm/page-for-model.js';
import type { RunState } from '../run-state.js';
import { llmUnavailable } from '../step-needs.js';

/** The fallback asks for the whole format and keeps the value of the variable's key. */
export async function readLocatorValueWithLlm(state: RunState, action: LocatorExtraction, name: string): Promise<unknown> {
  // With a baked name the format has that one key; else the name is a key of the format.
  const key = Object.hasOwn(action.extraction_format, name) ? name : (Object.keys(action.extraction_format)[0] ?? name);
  const answer = await askForLocatorValue(state, action);
  const variables = outputVariablesOf(answer, [key]);
  // Own keys only: a format key such as `constructor` missing from the answer is None, not Object.
  state.generated[name] = (Object.hasOwn(variables, key) ? variables[key] : undefined) ?? [null];
  return Object.hasOwn(answer, key) ? (answer[key] ?? null) : null;
}

async function askForLocatorValue(state: RunState, action: LocatorExtraction): Promise<LlmAnswer> {
  const model = chooseStepModel(action, state.task);
  const what = 'extraction_action.locator: reading the value with the LLM';
  const missing = llmUnavailable(state, what, model);
  if (missing) throw missing;
  const view = await pageForModel(state, { screenshot: false });
  const reply = await askLlm(state, {
    what,
    system: `You extract information from a web page and answer in the JSON format given. The page is given as a list of its elements and text.\nInstructions: ${action.extraction_instructions ?? ''}`,
    prompt: `Page:\n${view.snapshot.text}`,
    format: buildAnswerFormatFromRecorded(action.extraction_format),
    model,
    snapshot: view.snapshot.text,
  });
  return reply.answer;
}
