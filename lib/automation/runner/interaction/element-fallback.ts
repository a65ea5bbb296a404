import type { Locator } from 'playwright-core';
import { errorMessage } from '../../../errors.js';
import { buildAnswerFormatFromRecorded } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { ElementIndexError, locatorForIndex, type ElementRef, type PageSnapshot } from '../../../llm/page-snapshot.js';
import { ExpectedDownloadFailedError } from '../downloads.js';
import { askLlm, LlmStepError } from '../llm/ask-llm.js';
import { pageForModel } from '../llm/page-for-model.js';
import type { RunState } from '../run-state.js';
import { llmUnavailable } from '../step-needs.js';
import { firstLine, type PerformOnElement } from './command-with-retry.js';
import { ElementActionError } from './element-error.js';

/** What the fallback knows about the step whose recorded command did not find the element. */
export type FallbackRequest = {
  /** The action's name as recorded: click_element, input_text, ... */
  name: string;
  promptInstructions: string;
  /** The recorded command, or null when the step has none (or skips it). */
  recordedCommand: string | null;
  /** Why the command path gave up, for the error and the step's llm_response.json. */
  failure: string;
  /** Bounds each Playwright call on the chosen element, as one try of the command path. */
  timeoutMs: number;
};

const ELEMENT_FORMAT = buildAnswerFormatFromRecorded({ index: 'int' });

const SYSTEM = [
  'You locate one element of a web page for a browser automation.',
  'The page is given as indexed lines: an element line starts with its index in square brackets, e.g. [12]<button>Sign in</button>;',
  'indented lines between "--- iframe" markers belong to that frame. Lines without an index are plain text and cannot be acted on.',
  'Read the goal, then answer with the index of the single element that the step must act on.',
  'Pick the element itself (the input, button, link, select or checkbox), not a label or a container around it.',
  'If no element on this page fits the goal, answer -1. Never guess an index that is not in the page text.',
].join(' ');

/**
 * The recorded command did not find the element: the model picks it from a snapshot of the page
 * by the step's prompt_instructions, and the step's own `perform` acts on it, so the action is
 * the same as on the command path. An element the model cannot find fails the step, naming it:
 * the original would skip it or hand it to a browser agent, which would hide a broken recording.
 */
export async function performOnPredictedElement(state: RunState, request: FallbackRequest, perform: PerformOnElement): Promise<void> {
  const what = `${request.name}: ${request.failure}; finding the element from prompt_instructions`;
  const model = chooseStepModel(null, state.task);
  // Checked before the prompt: without a model, what to configure is the first thing to fix.
  const missing = llmUnavailable(state, what, model);
  if (missing) throw missing;
  const goal = request.promptInstructions.trim();
  if (goal === '') {
    throw new ElementActionError(`${state.nodePath} (${request.name}): ${request.failure}, and the step has no prompt_instructions to find the element by`);
  }

  const { snapshot } = await pageForModel(state, { screenshot: false });
  const reply = await askLlm(state, {
    what: request.name,
    system: SYSTEM,
    prompt: `Goal: ${goal}\n\nPage:\n${snapshot.text}`,
    format: ELEMENT_FORMAT,
    model,
    snapshot: snapshot.text,
  });
  const index = reply.answer.index;
  const ref = typeof index === 'number' && index > 0 ? snapshot.elements.get(index) : undefined;
  await reply.record({
    chosen_element: ref ? describe(ref) : null,
    recorded_command: request.recordedCommand,
    command_error: request.failure,
  });
  if (!ref) {
    throw new ElementActionError(
      `${state.nodePath} (${request.name}): the model found no element for ${JSON.stringify(goal)} on the page (it answered ${JSON.stringify(index)}); ${request.failure}`,
    );
  }
  state.logger.info('element chosen by the model', { step_index: state.stepIndex, action: request.name, ...describe(ref), recorded_command: request.recordedCommand });

  const locator = await locate(state, request, snapshot, ref.index);
  try {
    await locator.scrollIntoViewIfNeeded({ timeout: request.timeoutMs }).catch(() => undefined);
    await perform(locator, request.timeoutMs);
  } catch (error) {
    if (error instanceof ExpectedDownloadFailedError || error instanceof LlmStepError) throw error;
    throw new ElementActionError(`${state.nodePath} (${request.name}): acting on element [${ref.index}] (${ref.role} ${JSON.stringify(ref.name)}) chosen for ${JSON.stringify(goal)} failed: ${firstLine(errorMessage(error))}`);
  }
}

function describe(ref: ElementRef): { index: number; role: string; name: string } {
  return { index: ref.index, role: ref.role, name: ref.name };
}

async function locate(state: RunState, request: FallbackRequest, snapshot: PageSnapshot, index: number): Promise<Locator> {
  try {
    return await locatorForIndex(snapshot, index);
  } catch (error) {
    if (error instanceof ElementIndexError) throw new ElementActionError(`${state.nodePath} (${request.name}): ${error.message}`);
    throw error;
  }
}
