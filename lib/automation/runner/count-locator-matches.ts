import { resolveLocator } from './resolve-locator.js';
import { currentPage, variableSources, type RunState } from './run-state.js';
import { sleep } from './wait.js';

const POLL_MS = 100;
/** A count is stable once it has not changed for this long: lists often render in batches. */
const STABLE_MS = 1_000;
const MAX_WAIT_MS = 30_000;

/**
 * How many elements a locator matches, as the original counts loop rows: wait up to `timeout`
 * seconds for the first one (none → 0), then poll until the count holds still for a second.
 */
export async function countLocatorMatches(state: RunState, command: string, timeoutSeconds: number): Promise<number> {
  const locator = resolveLocator(currentPage(state), command, variableSources(state));
  if (timeoutSeconds > 0) {
    try {
      await locator.first().waitFor({ state: 'attached', timeout: timeoutSeconds * 1000 });
    } catch {
      state.logger.warn('locator matched nothing in time', { command, timeout_seconds: timeoutSeconds });
      return 0;
    }
  }
  let count = await locator.count();
  if (count === 0) return 0;
  const started = Date.now();
  let stableSince = Date.now();
  while (Date.now() - stableSince < STABLE_MS && Date.now() - started < MAX_WAIT_MS && !state.signal?.aborted) {
    await sleep(POLL_MS, state.signal);
    const now = await locator.count();
    if (now !== count) {
      count = now;
      stableSince = Date.now();
    }
  }
  return count;
}
