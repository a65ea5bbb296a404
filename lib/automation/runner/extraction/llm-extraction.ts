import type { LlmExtraction } from '../../../schemas/automation/extraction-sub-actions.js';
import { buildAnswerFormatFromRecorded, type LlmAnswer } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { outputVariablesOf } from '../../../llm/output-variables.js';
import { askLlm } from '../llm/ask-llm.js';
import { pageForModel } from '../llm/page-for-model.js';
import type { RunState } from '../run-state.js';
import { llmUnavailable } from '../step-needs.js';

/** The fields an LLM extraction reads; assertions and the locator fallback build one too. */
export type LlmExtractionRequest = Pick<
  LlmExtraction,
  'source' | 'extraction_format' | 'extraction_instructions' | 'output_variable_names' | 'llm_provider' | 'llm_model_name'
>;

/**
 * extraction_action.llm as the original: the instructions go in the system message, the page
 * text (when `source` has "axtree") in the prompt, a viewport screenshot when `source` has
 * "screenshot". The answer becomes one OutputData and the output variables.
 */
export async function runLlmExtraction(
  state: RunState,
  request: LlmExtractionRequest,
  options: { what: string; uniqueIdentifier: string | null },
): Promise<LlmAnswer> {
  const model = chooseStepModel(request, state.task);
  const format = buildAnswerFormatFromRecorded(request.extraction_format);
  const withText = request.source.includes('axtree');
  const withScreenshot = request.source.includes('screenshot');
  // askLlm checks this too; checking first spares taking a snapshot nobody will read.
  const missing = llmUnavailable(state, options.what, model);
  if (missing) throw missing;
  const view = await pageForModel(state, { screenshot: withScreenshot });
  const pageText = withText ? view.snapshot.text : null;
  const reply = await askLlm(state, {
    what: options.what,
    system: [
      'You extract information from a web page and answer in the JSON format given.',
      withText ? 'The page is given as a list of its elements and text.' : 'The page is given as a screenshot.',
      `Instructions: ${request.extraction_instructions}`,
    ].join('\n'),
    prompt: pageText === null ? 'The page is in the attached screenshot.' : `Page:\n${pageText}`,
    format,
    model,
    ...(pageText === null ? {} : { snapshot: pageText }),
    ...(view.screenshot ? { screenshot: view.screenshot } : {}),
  });
  state.outputData.push({ unique_identifier: options.uniqueIdentifier, json_data: reply.answer });
  Object.assign(state.generated, outputVariablesOf(reply.answer, request.output_variable_names));
  return reply.answer;
}
