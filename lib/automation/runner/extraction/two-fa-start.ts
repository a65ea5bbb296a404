import type { RunState } from '../run-state.js';

/**
 * When the last interaction began: the original starts its 2FA window there, since that is the
 * step (a "send code" click) that makes the code arrive. Kept beside the run, not in it, so only
 * the steps that care know about it.
 */
const starts = new WeakMap<RunState, Date>();

export function markTwoFaStart(state: RunState, at: Date = new Date()): void {
  starts.set(state, at);
}

/** The window's base; without an earlier interaction, now (the original has no base then and fails). */
export function twoFaStart(state: RunState): Date {
  return starts.get(state) ?? new Date();
}
