import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { runAttempts } from './run-attempts.js';
import type { TaskRunOutcome } from './task-runner.js';

const outcome = (status: TaskRunOutcome['status'], error: string | null = null): TaskRunOutcome => ({
  status,
  error,
  outputData: [],
  finalScreenshot: null,
  forLoopStatus: [],
  downloads: [],
});

function scripted(results: TaskRunOutcome[]) {
  const events: string[] = [];
  return {
    events,
    options: {
      baseDelayMs: 1,
      logger: silentLogger,
      attempt: async (n: number) => (events.push(`attempt ${n}`), results[n] ?? outcome('failed', 'no script')),
      beforeRetry: async (n: number) => void events.push(`clean ${n}`),
    },
  };
}

describe('runAttempts (max_retries)', () => {
  it('re-runs a failed attempt, cleaning up first, until one succeeds', async () => {
    const { events, options } = scripted([outcome('failed', 'a'), outcome('failed', 'b'), outcome('success')]);
    expect(await runAttempts({ ...options, maxRetries: 3 })).toEqual(outcome('success'));
    expect(events).toEqual(['attempt 0', 'clean 1', 'attempt 1', 'clean 2', 'attempt 2']);
  });

  it('answers the last failure once the retries are used up', async () => {
    const { events, options } = scripted([outcome('failed', 'a'), outcome('failed', 'b'), outcome('success')]);
    expect(await runAttempts({ ...options, maxRetries: 1 })).toEqual(outcome('failed', 'b'));
    expect(events).toEqual(['attempt 0', 'clean 1', 'attempt 1']);
  });

  it('runs once without retries, and does not retry a stopped task', async () => {
    const once = scripted([outcome('failed', 'a')]);
    expect(await runAttempts({ ...once.options, maxRetries: 0 })).toEqual(outcome('failed', 'a'));
    expect(once.events).toEqual(['attempt 0']);
    const controller = new AbortController();
    controller.abort(new Error('killed'));
    const stopped = scripted([outcome('failed', 'a')]);
    await runAttempts({ ...stopped.options, maxRetries: 3, signal: controller.signal });
    expect(stopped.events).toEqual(['attempt 0']);
  });

  it('waits twice as long before each further attempt', async () => {
    const delays: number[] = [];
    let last = Date.now();
    const { options } = scripted([outcome('failed'), outcome('failed'), outcome('failed')]);
    await runAttempts({
      ...options,
      baseDelayMs: 40,
      maxRetries: 2,
      attempt: async (n) => {
        const now = Date.now();
        if (n > 0) delays.push(now - last);
        last = now;
        return outcome('failed');
      },
    });
    expect(delays[0]).toBeGreaterThanOrEqual(38);
    expect(delays[1]).toBeGreaterThanOrEqual(78);
  });
});
