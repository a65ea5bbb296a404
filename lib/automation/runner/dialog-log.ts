import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dialog } from 'playwright-core';
import { errorMessage } from '../../errors.js';
import type { RunState } from './run-state.js';
import { stepDirectory } from './step-files.js';

/** One JavaScript dialog the run answered, as kept in the trajectory. */
export type DialogRecord = {
  /** The step running when it opened; -1 while the automation's first URL was opening. */
  step_index: number;
  type: string;
  message: string;
  /** What a prompt offered; null for other dialogs. */
  default_value: string | null;
  accepted: true;
  /** What the prompt was answered with (its default value); null for other dialogs. */
  prompt_text: string | null;
  page_url: string;
  opened_at: string;
};

export type DialogLog = {
  /** Resolves once every dialog so far is written to its step folder. */
  settle(): Promise<void>;
};

/**
 * Dialogs would block the page forever in a headless run: every one is accepted at once, as in
 * the original, a prompt with its default value. Each is kept in `state.dialogs` and written to
 * `logs/step_N/dialogs.json`, the list of that step's dialogs. A file of its own rather than a
 * field of state.json, because a dialog may open after the step's files were written (while
 * the step waits for the page to load) and state.json is not rewritten then. Dialogs that open
 * before the first step go to step_0's file, their step_index saying -1.
 */
export function recordDialogs(state: RunState): DialogLog {
  let writes = Promise.resolve();
  state.context.on('dialog', (dialog) => {
    const record = answer(dialog, state.stepIndex);
    state.dialogs.push(record);
    state.logger.info('dialog accepted', { step_index: record.step_index, type: record.type, message: record.message });
    const folder = Math.max(record.step_index, 0);
    writes = writes
      .then(() => writeDialogs(state, folder))
      .catch((error: unknown) => state.logger.error('could not write dialogs.json', { step_index: folder, error: errorMessage(error) }));
  });
  return { settle: () => writes };
}

function answer(dialog: Dialog, stepIndex: number): DialogRecord {
  const isPrompt = dialog.type() === 'prompt';
  const promptText = isPrompt ? dialog.defaultValue() : null;
  // Accepting can only fail when the page is already gone; nothing waits on it then.
  void dialog.accept(promptText ?? undefined).catch(() => {});
  return {
    step_index: stepIndex,
    type: dialog.type(),
    message: dialog.message(),
    default_value: isPrompt ? dialog.defaultValue() : null,
    accepted: true,
    prompt_text: promptText,
    page_url: dialog.page()?.url() ?? '',
    opened_at: new Date().toISOString(),
  };
}

async function writeDialogs(state: RunState, folder: number): Promise<void> {
  const dir = stepDirectory(state, folder);
  await mkdir(dir, { recursive: true });
  const records = state.dialogs.filter((record) => Math.max(record.step_index, 0) === folder);
  await writeFile(join(dir, 'dialogs.json'), JSON.stringify(records, null, 2));
}
