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
import { llmUnavailable, StepNeedsError } from '../step-needs.js';
import { sleep } from '../wait.js';
import { performWithRetry, type PerformOnElement, type TryOptions } from './command-with-retry.js';
import { matchSelectOptions, type SelectOption } from './smart-select.js';

type ElementAction = Pick<ClickElementAction, 'command' | 'skip_command' | 'skip_prompt' | 'assert_locator_presence'>;

/** The element could not be acted on and the recording gives no other way to find it. */
export class ElementActionError extends Error {
  override name = 'ElementActionError';
}

/**
 * The shared flow of every element action: the recorded command with retries; on failure, an
 * optional step (skip_prompt) is skipped, a step with assert_locator_presence fails, and any
 * other step fails naming the missing LLM fallback the original would have tried next.
 */
async function runElementAction(state: RunState, name: string, action: ElementAction, tries: TryOptions, perform: PerformOnElement): Promise<void> {
  let failure = 'no command to find the element';
  if (action.command !== null && !action.skip_command) {
    const error = await performWithRetry(state, action.command, tries, perform);
    if (error === null) return;
    failure = `${action.command} failed after ${tries.maxTries} tries (${error})`;
    if (action.assert_locator_presence) throw new ElementActionError(`${name}: ${failure}; assert_locator_presence requires the element`);
  }
  if (action.skip_prompt) {
    state.logger.info('optional step skipped', { step_index: state.stepIndex, action: name, reason: failure });
    return;
  }
  throw llmUnavailable(state, `${name}: ${failure}; finding the element from prompt_instructions`) ?? new StepNeedsError('TODO-LLM');
}

function withDownload(state: RunState, action: { expect_download: boolean; download_filename: string | null }, act: () => Promise<void>): Promise<void> {
  if (!action.expect_download) return act();
  return state.downloads.expect(action.download_filename, state.downloadTimeoutMs, act).then((name) =>
    state.logger.info('file downloaded', { step_index: state.stepIndex, file: name }),
  );
}

export function clickElement(state: RunState, action: ClickElementAction, tries: TryOptions): Promise<void> {
  return runElementAction(state, 'click_element', action, tries, (locator, timeout) =>
    withDownload(state, action, () =>
      // The original's double click ignores `button`: it is always a left double click.
      action.double_click
        ? locator.dblclick({ timeout, force: action.force })
        : locator.click({ timeout, force: action.force, button: action.button, noWaitAfter: true }),
    ),
  );
}

/** An input still holding a placeholder (its list was empty) is skipped, as in the original. */
const UNRESOLVED_PLACEHOLDER = /^\{[A-Za-z_][A-Za-z0-9_]*\[\d+\]\}$/;

export async function inputText(state: RunState, action: InputTextAction, tries: TryOptions): Promise<void> {
  const text = action.input_text;
  if (text === null) {
    if (action.skip_prompt) return;
    throw llmUnavailable(state, 'input_text: no input_text recorded; predicting it from prompt_instructions') ?? new StepNeedsError('TODO-LLM');
  }
  if (UNRESOLVED_PLACEHOLDER.test(text)) {
    state.logger.info('input skipped: its value is not set', { step_index: state.stepIndex, placeholder: text });
    return;
  }
  await runElementAction(state, 'input_text', action, tries, async (locator, timeout) => {
    if (action.fill_or_type === 'fill') await locator.fill(text, { timeout });
    else if (action.fill_or_type === 'type') await locator.pressSequentially(text, { timeout });
    else await pressEachCharacter(state, text);
    if (action.press_enter) await locator.press('Enter', { timeout });
  });
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
  const patterns = action.select_values;
  if (patterns === null) {
    if (action.skip_prompt) return;
    throw llmUnavailable(state, 'select_option: no select_values recorded; predicting them from prompt_instructions') ?? new StepNeedsError('TODO-LLM');
  }
  await runElementAction(state, 'select_option', action, tries, (locator, timeout) =>
    withDownload(state, action, async () => {
      const values = matchSelectOptions(await readOptions(locator, timeout), patterns);
      await locator.selectOption(values, { timeout });
    }),
  );
}

function readOptions(locator: Locator, timeout: number): Promise<SelectOption[]> {
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
  return runElementAction(state, 'check', action, tries, async (locator, timeout) => {
    await locator.uncheck({ timeout });
    await locator.check({ timeout });
  });
}

export function uncheck(state: RunState, action: UncheckAction, tries: TryOptions): Promise<void> {
  return runElementAction(state, 'uncheck', action, tries, async (locator, timeout) => {
    await locator.check({ timeout });
    await locator.uncheck({ timeout });
  });
}

export function hover(state: RunState, action: HoverAction, tries: TryOptions): Promise<void> {
  return runElementAction(state, 'hover', action, tries, (locator, timeout) => locator.hover({ timeout }));
}

export function uploadFile(state: RunState, action: UploadFileAction, tries: TryOptions, filePath: string): Promise<void> {
  return runElementAction(state, 'upload_file', action, tries, (locator, timeout) => locator.setInputFiles(filePath, { timeout }));
}
