import type { Logger } from '../log/logger.js';
import { sleep } from '../automation/runner/wait.js';
import type { TaskRunOutcome } from './task-runner.js';

export type AttemptOptions = {
  /** The automation's max_retries: failed attempts re-run up to this many times. */
  maxRetries: number;
  /** The original waits 10 s × 2^attempt before the next attempt. */
  baseDelayMs: number;
  logger: Logger;
  signal?: AbortSignal;
  /** Runs attempt `n` (0 first); never throws for a failing automation. */
  attempt(n: number): Promise<TaskRunOutcome>;
  /** Clears what a failed attempt left behind before the next one starts. */
  beforeRetry(n: number): Promise<void>;
};

/**
 * max_retries as the original runs it: a failed attempt (an assertion included) is run again
 * after an exponential backoff, until one succeeds or the retries are used up; the last
 * attempt's outcome is the task's. A stopped task is not retried.
 */
export async function runAttempts(options: AttemptOptions): Promise<TaskRunOutcome> {
  const attempts = Math.max(1, options.maxRetries + 1);
  for (let n = 0; ; n++) {
    const outcome = await options.attempt(n);
    const last = n === attempts - 1;
    if (outcome.status === 'success' || last || options.signal?.aborted) return outcome;
    const delayMs = options.baseDelayMs * 2 ** n;
    options.logger.warn('attempt failed, retrying', { attempt: n + 1, of: attempts, error: outcome.error, retry_in_ms: delayMs });
    await sleep(delayMs, options.signal);
    if (options.signal?.aborted) return outcome;
    await options.beforeRetry(n + 1);
  }
}
