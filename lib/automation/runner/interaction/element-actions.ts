import type { Locator } from 'playwright-core';
import type {
  CheckAction,
  ClickElementAction,
  HoverAction,
  InputTextAction,
  SelectOptionAction,
  UncheckAction,
  UploadFileAction,
} from '../../../schemas/automation/locator-actions.js';
import { currentPage, type RunState } from '../run-state.js';
import { markStepSkipped } from '../step-list.js';
import { isTimeoutError, sleep } from '../wait.js';
import { performWithRetry, type PerformOnElement, type TryOptions, type VisibilityCheck } from './command-with-retry.js';
import { ElementActionError } from './element-error.js';
import { performOnPredictedElement } from './element-fallback.js';
import { predictInputText, predictSelectValues } from './predict-values.js';
import { matchOptionsWithModel } from './select-with-model.js';
import { requireFileName } from '../../limits/file-names.js';
import { readSelectOptionsHtml } from './select-options-html.js';
import { findSelectOptions, type SelectOption } from './smart-select.js';

export { ElementActionError };

type ElementAction = Pick<ClickElementAction, 'command' | 'skip_command' | 'skip_prompt' | 'assert_locator_presence' | 'prompt_instructions'>;

/**
 * The shared flow of every element action: the recorded command with retries; on failure, an
 * optional step (skip_prompt) is skipped, a step with assert_locator_presence fails, and any
 * other step has the model find the element from its prompt_instructions (element-fallback.ts).
 */
async function runElementAction(
  state: RunState,
  name: string,
  action: ElementAction,
  tries: TryOptions,
  perform: PerformOnElement,
  visibility: VisibilityCheck = 'wait-first',
): Promise<void> {
  let failure = 'no command to find the element';
  if (action.command !== null && !action.skip_command) {
    const error = await performWithRetry(state, action.command, tries, perform, visibility);
    if (error === null) return;
    failure = `${action.command} failed after ${tries.maxTries} tries (${error})`;
    if (action.assert_locator_presence) throw new ElementActionError(`${name}: ${failure}; assert_locator_presence requires the element`);
  }
  if (action.skip_prompt) {
    state.logger.info('optional step skipped', { step_index: state.stepIndex, action: name, reason: failure });
    markStepSkipped(state);
    return;
  }
  await performOnPredictedElement(
    state,
    { name, promptInstructions: action.prompt_instructions, recordedCommand: action.command, failure, timeoutMs: tries.timeoutSeconds * 1000 },
    perform,
  );
}

function withDownload(state: RunState, action: { expect_download: boolean; download_filename: string | null }, act: () => Promise<void>): Promise<void> {
  if (!action.expect_download) return act();
  // A name filled from a variable is checked here; a recorded one was checked at acceptance.
  if (action.download_filename !== null) requireFileName(action.download_filename, `${state.nodePath}: download_filename`);
  return state.downloads.expect(action.download_filename, state.downloadTimeoutMs, act).then((name) =>
    state.logger.info('file downloaded', { step_index: state.stepIndex, file: name }),
  );
}

export function clickElement(state: RunState, action: ClickElementAction, tries: TryOptions): Promise<void> {
  // Clicks keep the original's separate wait for a visible element first: a click is the action a
  // retry must not repeat, and one that runs out of time after its input landed (a slow handler,
  // a window opening) would be repeated. After the wait, the click has the try's whole time.
  return runElementAction(state, 'click_element', action, tries, (locator, timeout) =>
    withDownload(state, action, () =>
      // The original's double click ignores `button`: it is always a left double click.
      action.double_click
        ? locator.dblclick({ timeout, force: action.force })
        : locator.click({ timeout, force: action.force, button: action.button, noWaitAfter: true }),
    ),
  );
}

/**
 * A step recorded without its value asks the model for it, as the original does, when it has
 * prompt_instructions and is not optional; otherwise (or when the model does not know) the
 * caller skips the step.
 */
async function predictWhenAllowed<T>(
  state: RunState,
  name: string,
  action: Pick<ElementAction, 'skip_prompt' | 'prompt_instructions'>,
  predict: (state: RunState, goal: string) => Promise<T | null>,
): Promise<T | null> {
  const goal = action.prompt_instructions.trim();
  if (action.skip_prompt || goal === '') return null;
  const value = await predict(state, goal);
  state.logger.info('value predicted by the model', { step_index: state.stepIndex, action: name, found: value !== null });
  return value;
}

/** An input still holding a placeholder (its list was empty) is skipped, as in the original. */
const UNRESOLVED_PLACEHOLDER = /^\{[A-Za-z_][A-Za-z0-9_]*\[\d+\]\}$/;

export async function inputText(state: RunState, action: InputTextAction, tries: TryOptions): Promise<void> {
  const text = action.input_text ?? (await predictWhenAllowed(state, 'input_text', action, predictInputText));
  if (text === null) {
    state.logger.info('input skipped: no input_text', { step_index: state.stepIndex });
    return;
  }
  if (UNRESOLVED_PLACEHOLDER.test(text)) {
    state.logger.info('input skipped: its value is not set', { step_index: state.stepIndex, placeholder: text });
    return;
  }
  await runElementAction(
    state,
    'input_text',
    action,
    tries,
    async (locator, timeout) => {
      if (action.fill_or_type === 'fill') await locator.fill(text, { timeout });
      else if (action.fill_or_type === 'type') await locator.pressSequentially(text, { timeout });
      else await pressEachCharacter(state, text);
      if (action.press_enter) await locator.press('Enter', { timeout });
    },
    // fill waits for a visible, editable element; typing only focuses it, wherever it is.
    action.fill_or_type === 'fill' ? 'done-by-action' : 'wait-first',
  );
}

async function pressEachCharacter(state: RunState, text: string): Promise<void> {
  const page = currentPage(state);
  for (const character of text) {
    await page.keyboard.press(character);
    // Slow enough for the per-key handlers of masked inputs, as the original.
    await sleep(100, state.signal);
  }
}

export async function selectOption(state: RunState, action: SelectOptionAction, tries: TryOptions): Promise<void> {
  const patterns = action.select_values ?? (await predictWhenAllowed(state, 'select_option', action, predictSelectValues));
  if (patterns === null) {
    state.logger.info('select skipped: no select_values', { step_index: state.stepIndex });
    return;
  }
  // Asked at most once per step: later tries and the element fallback reuse the model's match.
  let modelMatch: Promise<string[] | null> | undefined;
  await runElementAction(
    state,
    'select_option',
    action,
    tries,
    (locator, timeout) =>
      withDownload(state, action, async () => {
        const options = await readOptions(locator, timeout);
        let values = findSelectOptions(options, patterns);
        if (values === null && !action.skip_prompt) {
          // The options of a select that never shows are not worth a model's time: the try fails first.
          await locator.waitFor({ state: 'visible', timeout });
          values = await (modelMatch ??= matchOptionsWithModel(state, options, patterns));
        }
        await locator.selectOption(values ?? patterns, { timeout });
      }),
    // selectOption waits for a visible, enabled select; the options are read from its markup first.
    'done-by-action',
  );
}

/**
 * The select's options, read from its markup: innerHTML and count run in Playwright's utility
 * world, where all of Playwright's actions run (its scripts are set up there once per document
 * whatever the step does), whereas the first evaluation in a document's main world installs
 * Playwright's scripts there too (about 25 ms per new document).
 * When the element is not a <select> (a label or optgroup has option markup too) or the reader
 * declines its markup, the options are evaluated in the page as before.
 */
async function readOptions(locator: Locator, timeout: number): Promise<SelectOption[]> {
  try {
    const [html, selects] = await Promise.all([locator.innerHTML({ timeout }), locator.locator('xpath=self::select').count()]);
    const options = selects === 1 ? readSelectOptionsHtml(html) : null;
    if (options !== null) return options;
  } catch (error) {
    // A timeout has spent the try's time on a missing element; any other failure (innerHTML of
    // an XML document can throw) leaves the evaluation to answer or fail as it always did.
    if (isTimeoutError(error)) throw error;
  }
  // Runs in the page; typed structurally because this project compiles without the DOM lib.
  type OptionLike = { value: string; label: string; textContent: string | null };
  return locator.evaluate(
    (element) => Array.from((element as unknown as { options?: ArrayLike<OptionLike> }).options ?? []).map((o) => ({ value: o.value, label: o.label || o.textContent || '' })),
    undefined,
    { timeout },
  );
}

/**
 * The original unchecks before checking (and the reverse) so that the page sees the change
 * event of the final state even when the box already held it.
 */
export function check(state: RunState, action: CheckAction, tries: TryOptions): Promise<void> {
  return setChecked(state, 'check', action, tries);
}

export function uncheck(state: RunState, action: UncheckAction, tries: TryOptions): Promise<void> {
  return setChecked(state, 'uncheck', action, tries);
}

function setChecked(state: RunState, kind: 'check' | 'uncheck', action: CheckAction | UncheckAction, tries: TryOptions): Promise<void> {
  const checked = kind === 'check';
  return runElementAction(
    state,
    kind,
    action,
    tries,
    async (locator, timeout) => {
      await locator.setChecked(!checked, { timeout });
      await locator.setChecked(checked, { timeout });
    },
    'done-by-action',
  );
}

export function hover(state: RunState, action: HoverAction, tries: TryOptions): Promise<void> {
  return runElementAction(state, 'hover', action, tries, (locator, timeout) => locator.hover({ timeout }), 'done-by-action');
}

export function uploadFile(state: RunState, action: UploadFileAction, tries: TryOptions, filePath: string): Promise<void> {
  return runElementAction(state, 'upload_file', action, tries, (locator, timeout) => locator.setInputFiles(filePath, { timeout }));
}
