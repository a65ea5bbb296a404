import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { TaskStatus } from '../../schemas/wire/task.js';

/**
 * The embedded control plane's SQLite store: one row per task, one row per stored file. Every
 * statement is prepared once; multi-step writes run in a transaction, so a report repeated for
 * the same task overwrites its row instead of adding one.
 */

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE tasks (
     task_id TEXT PRIMARY KEY,
     endpoint_name TEXT NOT NULL,
     recording_id TEXT NOT NULL,
     dedup_key TEXT NOT NULL,
     status TEXT NOT NULL,
     error TEXT,
     created_at TEXT NOT NULL,
     allocated_at TEXT,
     started_at TEXT,
     completed_at TEXT,
     retry_count INTEGER NOT NULL DEFAULT 0,
     token_usage TEXT,
     input_parameters TEXT NOT NULL,
     secure_parameter_names TEXT NOT NULL,
     task_json TEXT NOT NULL,
     output_data TEXT,
     for_loop_status TEXT,
     final_screenshot TEXT,
     has_trajectory INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX tasks_by_dedup_key ON tasks (dedup_key, status);
   CREATE INDEX tasks_by_created_at ON tasks (created_at);
   CREATE TABLE task_files (
     task_id TEXT NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('download', 'screenshot')),
     name TEXT NOT NULL,
     size INTEGER NOT NULL,
     PRIMARY KEY (task_id, kind, name)
   );`,
  // Set while a human_in_loop step waits for a person; cleared when the task completes.
  `ALTER TABLE tasks ADD COLUMN waiting_for_human_since TEXT;`,
];

/** Statuses that make a second task with the same dedup key a duplicate. */
const ACTIVE_STATUSES = ['queued', 'allocated', 'running'] as const;

export type FileKind = 'download' | 'screenshot';
export type StoredFile = { name: string; size: number };

export type NewTask = {
  task_id: string;
  endpoint_name: string;
  recording_id: string;
  dedup_key: string;
  status: TaskStatus;
  created_at: string;
  input_parameters: Record<string, unknown[]>;
  secure_parameter_names: string[];
  /** The task as handed to the worker, without credentials. */
  task: Record<string, unknown>;
};

const jsonText = z.string().transform((text): unknown => JSON.parse(text));
const nullableJson = jsonText.nullable();

const TaskRow = z.object({
  task_id: z.string(),
  endpoint_name: z.string(),
  recording_id: z.string(),
  dedup_key: z.string(),
  status: TaskStatus,
  error: z.string().nullable(),
  created_at: z.string(),
  allocated_at: z.string().nullable(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  retry_count: z.number(),
  token_usage: nullableJson,
  input_parameters: jsonText.pipe(z.record(z.string(), z.array(z.unknown()))),
  secure_parameter_names: jsonText.pipe(z.array(z.string())),
  output_data: nullableJson.pipe(z.array(z.record(z.string(), z.unknown())).nullable()),
  for_loop_status: nullableJson,
  final_screenshot: z.string().nullable(),
  has_trajectory: z.number().transform((value) => value === 1),
  waiting_for_human_since: z.string().nullable(),
});
export type TaskRecord = z.output<typeof TaskRow>;

export type TaskCompletion = {
  status: TaskStatus;
  error: string | null;
  completed_at: string;
  token_usage: unknown;
  retry_count: number;
};

export type TaskOutput = { output_data: unknown[]; for_loop_status: unknown; final_screenshot: string | null };

export type TaskStore = ReturnType<typeof openTaskStore>;

export function openTaskStore(path: string) {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // Writes from one process only; a short wait covers a second reader such as the sqlite3 CLI.
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const placeholders = ACTIVE_STATUSES.map(() => '?').join(', ');
  const statements = {
    findActiveDuplicate: db.prepare<unknown[], { task_id: string }>(
      `SELECT task_id FROM tasks WHERE dedup_key = ? AND status IN (${placeholders}) ORDER BY created_at LIMIT 1`,
    ),
    insert: db.prepare(
      `INSERT INTO tasks (task_id, endpoint_name, recording_id, dedup_key, status, created_at, input_parameters, secure_parameter_names, task_json)
       VALUES (@task_id, @endpoint_name, @recording_id, @dedup_key, @status, @created_at, @input_parameters, @secure_parameter_names, @task_json)`,
    ),
    get: db.prepare<[string], unknown>('SELECT * FROM tasks WHERE task_id = ?'),
    list: db.prepare<[number], unknown>('SELECT * FROM tasks ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    listByStatus: db.prepare<[string, number], unknown>('SELECT * FROM tasks WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
    start: db.prepare(
      `UPDATE tasks SET status = 'running', started_at = @started_at, allocated_at = COALESCE(@allocated_at, allocated_at) WHERE task_id = @task_id`,
    ),
    complete: db.prepare(
      `UPDATE tasks SET status = @status, error = @error, completed_at = @completed_at, token_usage = @token_usage, retry_count = @retry_count,
       waiting_for_human_since = NULL WHERE task_id = @task_id`,
    ),
    output: db.prepare(
      `UPDATE tasks SET output_data = @output_data, for_loop_status = @for_loop_status, final_screenshot = @final_screenshot WHERE task_id = @task_id`,
    ),
    trajectory: db.prepare('UPDATE tasks SET has_trajectory = 1 WHERE task_id = ?'),
    waitingForHuman: db.prepare('UPDATE tasks SET waiting_for_human_since = ? WHERE task_id = ?'),
    deleteFiles: db.prepare('DELETE FROM task_files WHERE task_id = ? AND kind = ?'),
    insertFile: db.prepare('INSERT OR REPLACE INTO task_files (task_id, kind, name, size) VALUES (?, ?, ?, ?)'),
    listFiles: db.prepare<[string, string], StoredFile>('SELECT name, size FROM task_files WHERE task_id = ? AND kind = ? ORDER BY name'),
  };

  const toRecord = (row: unknown): TaskRecord | undefined => (row === undefined ? undefined : TaskRow.parse(row));

  /** Check and insert in one transaction, so two identical requests cannot both get through. */
  const insertUnlessDuplicate = db.transaction((task: NewTask): { duplicateOf: string } | { duplicateOf: null } => {
    const existing = statements.findActiveDuplicate.get(task.dedup_key, ...ACTIVE_STATUSES);
    if (existing) return { duplicateOf: existing.task_id };
    statements.insert.run({
      task_id: task.task_id,
      endpoint_name: task.endpoint_name,
      recording_id: task.recording_id,
      dedup_key: task.dedup_key,
      status: task.status,
      created_at: task.created_at,
      input_parameters: JSON.stringify(task.input_parameters),
      secure_parameter_names: JSON.stringify(task.secure_parameter_names),
      task_json: JSON.stringify(task.task),
    });
    return { duplicateOf: null };
  });

  const replaceFiles = db.transaction((taskId: string, kind: FileKind, files: StoredFile[]) => {
    statements.deleteFiles.run(taskId, kind);
    for (const file of files) statements.insertFile.run(taskId, kind, file.name, file.size);
  });

  return {
    insertUnlessDuplicate,
    getTask: (taskId: string) => toRecord(statements.get.get(taskId)),
    listTasks(options: { limit: number; status?: TaskStatus }): TaskRecord[] {
      const rows = options.status ? statements.listByStatus.all(options.status, options.limit) : statements.list.all(options.limit);
      return rows.map((row) => TaskRow.parse(row));
    },
    /** Each update answers whether the task exists. */
    markStarted: (taskId: string, startedAt: string, allocatedAt: string | null) =>
      statements.start.run({ task_id: taskId, started_at: startedAt, allocated_at: allocatedAt }).changes > 0,
    markCompleted: (taskId: string, completion: TaskCompletion) =>
      statements.complete.run({
        task_id: taskId,
        status: completion.status,
        error: completion.error,
        completed_at: completion.completed_at,
        token_usage: completion.token_usage == null ? null : JSON.stringify(completion.token_usage),
        retry_count: completion.retry_count,
      }).changes > 0,
    saveOutput: (taskId: string, output: TaskOutput) =>
      statements.output.run({
        task_id: taskId,
        output_data: JSON.stringify(output.output_data),
        for_loop_status: output.for_loop_status == null ? null : JSON.stringify(output.for_loop_status),
        final_screenshot: output.final_screenshot,
      }).changes > 0,
    markTrajectorySaved: (taskId: string) => statements.trajectory.run(taskId).changes > 0,
    markWaitingForHuman: (taskId: string, since: string) => statements.waitingForHuman.run(since, taskId).changes > 0,
    replaceFiles: (taskId: string, kind: FileKind, files: StoredFile[]) => replaceFiles(taskId, kind, files),
    listFiles: (taskId: string, kind: FileKind): StoredFile[] => statements.listFiles.all(taskId, kind),
    close: () => db.close(),
  };
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
  const current = row?.version ?? 0;
  if (current > MIGRATIONS.length) {
    throw new AppError('INTERNAL', `control-plane database has schema version ${current}, newer than this program (${MIGRATIONS.length})`);
  }
  db.transaction(() => {
    MIGRATIONS.slice(current).forEach((sql) => db.exec(sql));
    if (row) db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length);
    else db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length);
  })();
}
