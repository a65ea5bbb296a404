import { randomUUID } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import type { Logger } from '../../log/logger.js';
import { removeTraceFiles } from './trace-files.js';
import { withDeadline } from './wait.js';

/**
 * The Playwright trace of one run (screenshots and DOM snapshots of every action), grouped by
 * step so the trace viewer reads like the recording. Tracing is for people looking at a run
 * afterwards: nothing here may fail or hold up the run, so every call is bounded and its errors
 * are logged, never thrown. A context closed under it (a stopped task) just ends with no trace.
 */
export type RunTrace = {
  /** Starts a group that the step's Playwright calls fall under, until `endGroup`. */
  group(label: string): Promise<void>;
  endGroup(): Promise<void>;
  /** Writes the trace to `path` (null: drops it); answers whether it was written. */
  stop(path: string | null): Promise<boolean>;
  /** Removes what tracing left in the browser's temp folder; call once the context is closed. */
  cleanUp(): Promise<void>;
};

const START_MS = 5_000;
const GROUP_MS = 2_000;
/** Zipping a long run's snapshots takes a while, but a stop must never hold the task open. */
const STOP_MS = 30_000;

const NO_TRACE: RunTrace = { group: async () => {}, endGroup: async () => {}, stop: async () => false, cleanUp: async () => {} };

export async function startTrace(context: BrowserContext, enabled: boolean, logger: Logger): Promise<RunTrace> {
  if (!enabled) return NO_TRACE;
  // A name of its own, so its temp files can be told from those of other runs in the same browser.
  const name = `run-${randomUUID()}`;
  const started = await bounded(context.tracing.start({ name, screenshots: true, snapshots: true, sources: false }), START_MS, logger, 'start');
  if (!started) return { ...NO_TRACE, cleanUp: () => removeTraceFiles(name, logger) };
  let open = 0;
  return {
    async group(label) {
      if (await bounded(context.tracing.group(label), GROUP_MS, logger, 'group')) open += 1;
    },
    async endGroup() {
      if (open === 0) return;
      open -= 1;
      await bounded(context.tracing.groupEnd(), GROUP_MS, logger, 'groupEnd');
    },
    stop: async (path) => (await bounded(context.tracing.stop(path === null ? {} : { path }), STOP_MS, logger, 'stop')) && path !== null,
    cleanUp: () => removeTraceFiles(name, logger),
  };
}

/** True when `call` settled in time without an error. */
async function bounded(call: Promise<unknown>, ms: number, logger: Logger, what: string): Promise<boolean> {
  // The call may reject after the deadline: its rejection must not go unhandled.
  const settled = call.then(
    () => true,
    (error: unknown) => {
      logger.debug('tracing call failed', { call: what, error });
      return false;
    },
  );
  const result = await withDeadline(settled, ms);
  if (result === null) logger.warn('tracing call timed out', { call: what, timeout_ms: ms });
  return result === true;
}

/** The trace viewer's name for a step, e.g. `step 3 · interaction_action.click_element · nodes[2]`. */
export function stepLabel(stepIndex: number, action: string, nodePath: string): string {
  return `step ${stepIndex} · ${action} · ${nodePath}`;
}
