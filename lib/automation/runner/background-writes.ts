import type { Logger } from '../../log/logger.js';

/**
 * The run's own files (step folders, steps.json) written one batch after another behind the
 * steps, so a step never waits for the disk. The contents are taken when a batch is added, so
 * later steps cannot change what an earlier one wrote; the run waits for them all before it ends
 * (the trajectory is packed after it). A failed write is logged: it never changes how a run ends.
 */
export type BackgroundWrites = {
  add(what: string, fields: Record<string, unknown>, write: () => Promise<void>): void;
  /** Resolves once every batch added so far is written (or has failed). */
  settled(): Promise<void>;
};

export function backgroundWrites(logger: Logger): BackgroundWrites {
  let tail: Promise<void> = Promise.resolve();
  return {
    add(what, fields, write) {
      tail = tail.then(write).catch((error: unknown) => logger.error(`could not write ${what}`, { ...fields, error }));
    },
    settled: () => tail,
  };
}
