import type Database from 'better-sqlite3';
import * as z from 'zod';

/**
 * Master mode: the registered workers (one row per ECS task ARN) and the task-side statements
 * the dispatcher needs. Lives beside the task store, on the same database.
 */
export const WorkerState = z.enum(['idle', 'busy', 'lost']);
export type WorkerState = z.infer<typeof WorkerState>;

const WorkerRow = z.object({
  task_arn: z.string(),
  url: z.string(),
  state: WorkerState,
  current_task_id: z.string().nullable(),
  missed_health_checks: z.number(),
  registered_at: z.string(),
  last_seen: z.string(),
});
export type WorkerRecord = z.output<typeof WorkerRow>;

const QueuedRow = z.object({ task_id: z.string(), task_json: z.string() });
const TERMINAL_STATUSES = ['success', 'failed', 'cancelled', 'killed'];

export type WorkerStore = ReturnType<typeof createWorkerStore>;

export function createWorkerStore(db: Database.Database) {
  const statements = {
    // A task that registers again (a restarted container keeps its ARN) starts over as idle.
    register: db.prepare(
      `INSERT INTO workers (task_arn, url, state, current_task_id, missed_health_checks, registered_at, last_seen)
       VALUES (@task_arn, @url, 'idle', NULL, 0, @now, @now)
       ON CONFLICT (task_arn) DO UPDATE SET url = excluded.url, state = 'idle', current_task_id = NULL, missed_health_checks = 0, last_seen = excluded.last_seen`,
    ),
    list: db.prepare<[], unknown>('SELECT * FROM workers ORDER BY registered_at, task_arn'),
    seen: db.prepare("UPDATE workers SET missed_health_checks = 0, last_seen = ?, state = CASE WHEN state = 'lost' THEN 'idle' ELSE state END WHERE task_arn = ?"),
    missed: db.prepare('UPDATE workers SET missed_health_checks = missed_health_checks + 1 WHERE task_arn = ?'),
    setState: db.prepare('UPDATE workers SET state = ?, current_task_id = ? WHERE task_arn = ?'),
    queued: db.prepare<[number], unknown>("SELECT task_id, task_json FROM tasks WHERE status = 'queued' ORDER BY created_at, rowid LIMIT ?"),
    allocate: db.prepare("UPDATE tasks SET status = 'allocated', allocated_at = ? WHERE task_id = ? AND status = 'queued'"),
    requeue: db.prepare("UPDATE tasks SET status = 'queued', allocated_at = NULL, started_at = NULL WHERE task_id = ? AND status IN ('allocated', 'running')"),
    status: db.prepare<[string], { status: string }>('SELECT status FROM tasks WHERE task_id = ?'),
  };
  return {
    register: (worker: { task_arn: string; url: string }, now: string) => void statements.register.run({ ...worker, now }),
    list: (): WorkerRecord[] => statements.list.all().map((row) => WorkerRow.parse(row)),
    markSeen: (taskArn: string, now: string) => void statements.seen.run(now, taskArn),
    markMissed: (taskArn: string) => void statements.missed.run(taskArn),
    setState: (taskArn: string, state: WorkerState, currentTaskId: string | null) => void statements.setState.run(state, currentTaskId, taskArn),
    /** Queued tasks, oldest first, as stored (without credentials). */
    queuedTasks: (limit: number) => statements.queued.all(limit).map((row) => QueuedRow.parse(row)),
    /** Whether the task was still queued (so it is this caller's to hand out). */
    markAllocated: (taskId: string, at: string) => statements.allocate.run(at, taskId).changes > 0,
    /** Back to queued, unless the task already ended. */
    requeue: (taskId: string) => statements.requeue.run(taskId).changes > 0,
    isEnded(taskId: string): boolean {
      const row = statements.status.get(taskId);
      return row === undefined || TERMINAL_STATUSES.includes(row.status);
    },
  };
}
