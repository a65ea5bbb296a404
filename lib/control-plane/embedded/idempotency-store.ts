import type Database from 'better-sqlite3';

/**
 * Answers already given to requests that carried an `Idempotency-Key`, per route. A worker that
 * lost an answer and sends the report again gets the same answer without it being applied twice.
 */

/** Long enough for any retry loop of a worker, short enough that the table stays small. */
const KEEP_FOR_MS = 24 * 60 * 60 * 1000;

export type StoredAnswer = { status: number; body: string };

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

export function createIdempotencyStore(db: Database.Database) {
  const statements = {
    find: db.prepare<[string, string, string], StoredAnswer>(
      'SELECT status, body FROM idempotency_keys WHERE route = ? AND key = ? AND created_at >= ?',
    ),
    save: db.prepare('INSERT OR REPLACE INTO idempotency_keys (route, key, status, body, created_at) VALUES (?, ?, ?, ?, ?)'),
    prune: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
  };
  const oldestKept = (now: Date) => new Date(now.getTime() - KEEP_FOR_MS).toISOString();
  const save = db.transaction((route: string, key: string, answer: StoredAnswer, now: Date) => {
    statements.prune.run(oldestKept(now));
    statements.save.run(route, key, answer.status, answer.body, now.toISOString());
  });
  return {
    find: (route: string, key: string, now: Date): StoredAnswer | undefined => statements.find.get(route, key, oldestKept(now)),
    save: (route: string, key: string, answer: StoredAnswer, now: Date) => save(route, key, answer, now),
  };
}
