import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunState } from '../run-state.js';
import { scroll, WHEEL_TIMEOUT_MS } from './page-actions.js';

// A wheel that the page never acknowledges (sent as a navigation replaces the page) cannot be
// produced on demand in Chromium: these tests stand in a page whose wheel answers as told.
function pageWith(answers: ('never' | 'ok' | 'fail')[]) {
  const calls: string[] = [];
  const page = {
    mouse: {
      wheel: (_x: number, y: number) => {
        const answer = answers.shift() ?? 'ok';
        calls.push(`wheel ${y} ${answer}`);
        if (answer === 'never') return new Promise<void>(() => {});
        return answer === 'ok' ? Promise.resolve() : Promise.reject(new Error('mouse.wheel: Target page, context or browser has been closed'));
      },
    },
    waitForLoadState: async () => void calls.push('waitForLoadState'),
  } as unknown as Page;
  const state = { context: { pages: () => [page] } } as unknown as RunState;
  return { state, calls };
}

describe('scroll by an amount', () => {
  afterEach(() => vi.useRealTimers());

  it('sends a wheel the page never took again once the page has loaded', async () => {
    vi.useFakeTimers();
    const { state, calls } = pageWith(['never', 'ok']);
    const done = scroll(state, { down: true, amount: 600 } as never);
    await vi.advanceTimersByTimeAsync(WHEEL_TIMEOUT_MS);
    await done;
    expect(calls).toEqual(['wheel 600 never', 'waitForLoadState', 'wheel 600 ok']);
  });

  it('fails the step, saying so, when the page takes neither wheel', async () => {
    vi.useFakeTimers();
    const { state, calls } = pageWith(['never', 'never']);
    const done = scroll(state, { down: false, amount: 300 } as never);
    const failed = expect(done).rejects.toThrow(`scroll: the page did not take the scroll within ${WHEEL_TIMEOUT_MS / 1000} s`);
    await vi.advanceTimersByTimeAsync(2 * WHEEL_TIMEOUT_MS);
    await failed;
    expect(calls).toEqual(['wheel -300 never', 'waitForLoadState', 'wheel -300 never']);
  });

  it('passes on the error of a wheel that failed', async () => {
    const { state } = pageWith(['fail']);
    await expect(scroll(state, { down: true, amount: 100 } as never)).rejects.toThrow('has been closed');
  });
});
