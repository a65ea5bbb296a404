import type { Locator } from 'playwright-core';
import { errorMessage } from '../../../errors.js';
import { ExpectedDownloadFailedError } from '../downloads.js';
import { LlmStepError } from '../llm/ask-llm.js';
import { resolveLocator } from '../resolve-locator.js';
import { currentPage, variableSources, type RunState } from '../run-state.js';
import { sleep } from '../wait.js';

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
      if (tryIndex === 0) await locator.waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => {});
      if (!(await locator.isVisible())) {
        lastError = 'error: locator not visible';
        await sleep(timeoutMs, state.signal);
        continue;
      }
      await locator.scrollIntoViewIfNeeded({ timeout: timeoutMs });
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

/** Playwright messages carry a call log after the first line; the first line says it all. */
export function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
