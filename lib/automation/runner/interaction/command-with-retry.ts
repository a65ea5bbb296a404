import type { Locator } from 'playwright-core';
import { errorMessage } from '../../../errors.js';
import { ExpectedDownloadFailedError } from '../downloads.js';
import { LlmStepError } from '../llm/ask-llm.js';
import { resolveLocator } from '../resolve-locator.js';
import { currentPage, variableSources, type RunState } from '../run-state.js';
import { isTimeoutError, sleep } from '../wait.js';

export type TryOptions = { maxTries: number; timeoutSeconds: number };

/** Acts on the located element; `timeoutMs` bounds each Playwright call of one try. */
export type PerformOnElement = (locator: Locator, timeoutMs: number) => Promise<void>;

/**
 * Whether the action's own checks wait for a visible element (Playwright's fill, selectOption,
 * check, uncheck and hover do; typing and uploading do not, and clicks keep the original's
 * separate wait: see element-actions.ts).
 */
export type VisibilityCheck = 'done-by-action' | 'wait-first';

const NOT_VISIBLE = 'error: locator not visible';

/**
 * The original's command_based_action_with_retry: up to `maxTries` tries, each waiting at most
 * `timeoutSeconds` for the element; the first try waits for it to become visible, later tries
 * pause `timeoutSeconds` after a miss. Answers null on success, else the last error.
 * A missing expected download is final and thrown at once.
 *
 * An action that waits for a visible element itself is started at once on the first try: a
 * separate wait first would cost a round trip to the page on every step and change nothing, as
 * the action waits the same way. When it times out on an element that is not visible, the try
 * fails as the separate wait would have ('locator not visible').
 */
export async function performWithRetry(state: RunState, command: string, tries: TryOptions, perform: PerformOnElement, visibility: VisibilityCheck = 'wait-first'): Promise<string | null> {
  const timeoutMs = tries.timeoutSeconds * 1000;
  let lastError = 'error in executing command';
  for (let tryIndex = 0; tryIndex < tries.maxTries; tryIndex++) {
    if (state.signal?.aborted) break;
    let locator: Locator;
    try {
      locator = resolveLocator(currentPage(state), command, variableSources(state));
    } catch (error) {
      // As the original's unresolvable locator: next try, no pause.
      lastError = `error: ${errorMessage(error)}`;
      continue;
    }
    const actionWaits = tryIndex === 0 && visibility === 'done-by-action';
    try {
      const visible = tryIndex > 0 ? await locator.isVisible() : actionWaits || (await becomesVisible(locator, timeoutMs));
      if (!visible) {
        lastError = NOT_VISIBLE;
        await sleep(timeoutMs, state.signal);
        continue;
      }
      // No scrollIntoViewIfNeeded first, as the original does: the actions that need the element
      // on screen (click, check, hover) scroll it there as part of their own actionability checks.
      await perform(locator, timeoutMs);
      return null;
    } catch (error) {
      // Neither a missing expected download nor a failed model call gets better on a retry.
      if (error instanceof ExpectedDownloadFailedError || error instanceof LlmStepError) throw error;
      lastError = actionWaits && isTimeoutError(error) && !(await isVisibleNow(locator)) ? NOT_VISIBLE : `error: ${firstLine(errorMessage(error))}`;
      await sleep(timeoutMs, state.signal);
    }
  }
  return lastError;
}

/** A page that cannot answer (closed, navigating) shows nothing. */
function isVisibleNow(locator: Locator): Promise<boolean> {
  return locator.isVisible().catch(() => false);
}

/** False when the wait runs out; any other failure (several matches, say) is the try's error. */
function becomesVisible(locator: Locator, timeoutMs: number): Promise<boolean> {
  return locator.waitFor({ state: 'visible', timeout: timeoutMs }).then(
    () => true,
    (error: unknown) => {
      if (isTimeoutError(error)) return false;
      throw error;
    },
  );
}

/** Playwright messages carry a call log after the first line; the first line says it all. */
export function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
