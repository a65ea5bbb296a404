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
 * The original's command_based_action_with_retry: up to `maxTries` tries, each waiting at most
 * `timeoutSeconds` for the element; the first try waits for it to become visible, later tries
 * pause `timeoutSeconds` after a miss. Answers null on success, else the last error.
 * A missing expected download is final and thrown at once.
 */
export async function performWithRetry(state: RunState, command: string, tries: TryOptions, perform: PerformOnElement): Promise<string | null> {
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
    try {
      const visible = tryIndex === 0 ? await becomesVisible(locator, timeoutMs) : await locator.isVisible();
      if (!visible) {
        lastError = 'error: locator not visible';
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
      lastError = `error: ${firstLine(errorMessage(error))}`;
      await sleep(timeoutMs, state.signal);
    }
  }
  return lastError;
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
