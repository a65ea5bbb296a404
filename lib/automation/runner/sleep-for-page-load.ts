import type { Page } from 'playwright-core';
import { isTimeoutError, sleep } from './wait.js';

/**
 * The original's end_sleep_time: an upper bound on waiting for the page's load event, not a
 * fixed sleep. A short pause first lets a click start its navigation.
 */
export async function sleepForPageToLoad(page: Page, seconds: number, signal?: AbortSignal): Promise<void> {
  if (seconds <= 0) return;
  const pause = Math.min(0.1, seconds);
  await sleep(pause * 1000, signal);
  const rest = seconds - pause;
  // A zero timeout means "no timeout" to Playwright: never pass one.
  if (rest <= 0) return;
  try {
    await page.waitForLoadState('load', { timeout: rest * 1000 });
  } catch (error) {
    if (!isTimeoutError(error) && !isClosedError(error)) throw error;
  }
}

export function isClosedError(error: unknown): boolean {
  return error instanceof Error && /closed|crashed/i.test(error.message);
}
