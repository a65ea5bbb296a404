import type Database from 'better-sqlite3';
import * as z from 'zod';

/**
 * One row per task whose result the control plane delivers to a callback receiver. The row is
 * what makes a repeated `initiate_callback` (or a restart in between) deliver only once: a
 * delivery is claimed in a transaction, and only a failed one may be claimed again.
 */

export const CallbackState = z.enum(['delivering', 'delivered', 'failed']);
export type CallbackState = z.infer<typeof CallbackState>;

const CallbackRow = z.object({
  task_id: z.string(),
  state: CallbackState,
  /** The receiver's origin and path: credentials and query stay out of the database. */
  target: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  requested_at: z.string(),
  finished_at: z.string().nullable(),
});
export type CallbackRecord = z.infer<typeof CallbackRow>;

export type CallbackClaim = { claimed: boolean; record: CallbackRecord };

const INTERRUPTED = 'interrupted: the control plane stopped while delivering';

export type CallbackStore = ReturnType<typeof createCallbackStore>;

export function createCallbackStore(db: Database.Database) {
  const statements = {
    get: db.prepare<[string], unknown>('SELECT * FROM callbacks WHERE task_id = ?'),
    claim: db.prepare(
      `INSERT INTO callbacks (task_id, state, target, attempts, last_error, requested_at, finished_at)
       VALUES (@task_id, 'delivering', @target, 0, NULL, @at, NULL)
       ON CONFLICT (task_id) DO UPDATE SET state = 'delivering', target = excluded.target, attempts = 0, last_error = NULL,
         requested_at = excluded.requested_at, finished_at = NULL`,
    ),
    attempt: db.prepare(`UPDATE callbacks SET attempts = @attempts, last_error = @problem WHERE task_id = @task_id AND state = 'delivering'`),
    finish: db.prepare(
      `UPDATE callbacks SET state = @state, attempts = @attempts, last_error = @problem, finished_at = @at
       WHERE task_id = @task_id AND state = 'delivering'`,
    ),
    failInterrupted: db.prepare(`UPDATE callbacks SET state = 'failed', last_error = ?, finished_at = ? WHERE state = 'delivering'`),
  };
  const get = (taskId: string): CallbackRecord | undefined => {
    const row = statements.get.get(taskId);
    return row === undefined ? undefined : CallbackRow.parse(row);
  };

  /** Check and claim in one transaction, so two identical requests cannot both deliver. */
  const claim = db.transaction((taskId: string, target: string, at: string): CallbackClaim => {
    const existing = get(taskId);
    if (existing && existing.state !== 'failed') return { claimed: false, record: existing };
    statements.claim.run({ task_id: taskId, target, at });
    const record = get(taskId);
    if (!record) throw new Error(`callback row of ${taskId} vanished inside its transaction`);
    return { claimed: true, record };
  });

  return {
    get,
    claim: (taskId: string, target: string, at: string) => claim(taskId, target, at),
    recordAttempt: (taskId: string, attempts: number, problem: string | null) =>
      statements.attempt.run({ task_id: taskId, attempts, problem }).changes > 0,
    finish: (taskId: string, outcome: { delivered: boolean; attempts: number; problem: string | null; at: string }) =>
      statements.finish.run({
        task_id: taskId,
        state: outcome.delivered ? 'delivered' : 'failed',
        attempts: outcome.attempts,
        problem: outcome.problem,
        at: outcome.at,
      }).changes > 0,
    /**
     * At start-up: a delivery still marked as running was cut off by a stop or a crash. Its
     * receiver's credentials were never stored, so it cannot resume; marked failed, a repeated
     * initiate_callback delivers it again (receivers may see it twice, never zero times).
     */
    failInterrupted: (at: string) => statements.failInterrupted.run(INTERRUPTED, at).changes,
  };
}
