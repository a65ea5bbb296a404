import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as z from 'zod';
import { TaskStatus } from '../../schemas/wire/task.js';
import { createCallbackStore } from './callback-store.js';
import { createIdempotencyStore } from './idempotency-store.js';
import { migrate } from './store-schema.js';
import { createWorkerStore } from './worker-store.js';

/**
 * The embedded control plane's SQLite store: one row per task, one row per stored file, one
 * per uploaded file, plus callback deliveries and idempotency keys (their own modules). Every
 * statement is prepared once; multi-step writes run in a transaction, so a report repeated for
 * the same task overwrites its row instead of adding one.
 */

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
  confirmed_downloads: nullableJson.pipe(z.array(z.string()).nullable()),
  downloads_metadata: nullableJson.pipe(z.record(z.string(), z.unknown()).nullable()),
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

/** Where an uploaded file went: the task's final screenshot, or one of its downloads. */
export type UploadRecord = { name: string; size: number; finalScreenshot: boolean; uploadedAt: string };

export type DownloadsConfirmation = { names: string[]; metadata: Record<string, unknown> | null };

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
    // NULL filters match everything, so one prepared statement serves every combination.
    list: db.prepare<{ status: string | null; endpoint: string | null; limit: number; offset: number }, unknown>(
      `SELECT * FROM tasks WHERE (@status IS NULL OR status = @status) AND (@endpoint IS NULL OR endpoint_name = @endpoint)
       ORDER BY created_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
    ),
    endpoints: db.prepare<[], { endpoint_name: string }>('SELECT DISTINCT endpoint_name FROM tasks ORDER BY endpoint_name'),
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
    upsertUpload: db.prepare(
      `INSERT INTO uploaded_files (task_id, name, size, uploaded_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (task_id, name) DO UPDATE SET size = excluded.size, uploaded_at = excluded.uploaded_at`,
    ),
    listUploads: db.prepare<[string], StoredFile>('SELECT name, size FROM uploaded_files WHERE task_id = ?'),
    finalScreenshot: db.prepare('UPDATE tasks SET final_screenshot = ? WHERE task_id = ?'),
    confirm: db.prepare('UPDATE tasks SET confirmed_downloads = ?, downloads_metadata = ? WHERE task_id = ?'),
    secretInsert: db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)'),
    secretGet: db.prepare<[string], { value: Buffer }>('SELECT value FROM secrets WHERE name = ?'),
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

  /** An upload is a download the task view shows at once; the final screenshot replaces the earlier one. */
  const recordUpload = db.transaction((taskId: string, file: UploadRecord) => {
    statements.upsertUpload.run(taskId, file.name, file.size, file.uploadedAt);
    if (file.finalScreenshot) statements.finalScreenshot.run(file.name, taskId);
    else statements.insertFile.run(taskId, 'download', file.name, file.size);
  });

  /**
   * The confirmed names become the task's downloads (the final screenshot is kept apart). Names
   * never uploaded are answered and nothing changes.
   */
  const confirmDownloads = db.transaction((taskId: string, confirmation: DownloadsConfirmation, finalScreenshotName: string): { missing: string[] } => {
    const uploaded = new Map(statements.listUploads.all(taskId).map((file) => [file.name, file.size]));
    const missing = confirmation.names.filter((name) => !uploaded.has(name));
    if (missing.length > 0) return { missing };
    statements.deleteFiles.run(taskId, 'download');
    for (const name of confirmation.names) {
      if (name !== finalScreenshotName) statements.insertFile.run(taskId, 'download', name, uploaded.get(name) ?? 0);
    }
    statements.confirm.run(JSON.stringify(confirmation.names), confirmation.metadata === null ? null : JSON.stringify(confirmation.metadata), taskId);
    return { missing: [] };
  });

  /** Created once with random bytes; the first writer wins, so every reader gets the same value. */
  const secret = db.transaction((name: string, create: () => Buffer): Buffer => {
    statements.secretInsert.run(name, create());
    const row = statements.secretGet.get(name);
    if (!row) throw new Error(`secret ${name} vanished inside its transaction`);
    return row.value;
  });

  return {
    insertUnlessDuplicate,
    getTask: (taskId: string) => toRecord(statements.get.get(taskId)),
    /** Newest first, optionally of one status and one endpoint. */
    listTasks(options: { limit: number; offset?: number; status?: TaskStatus; endpoint?: string }): TaskRecord[] {
      const rows = statements.list.all({ status: options.status ?? null, endpoint: options.endpoint ?? null, limit: options.limit, offset: options.offset ?? 0 });
      return rows.map((row) => TaskRow.parse(row));
    },
    /** Every endpoint name some task was created for. */
    endpointNames: (): string[] => statements.endpoints.all().map((row) => row.endpoint_name),
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
    recordUpload: (taskId: string, file: UploadRecord) => recordUpload(taskId, file),
    confirmDownloads: (taskId: string, confirmation: DownloadsConfirmation, finalScreenshotName: string) =>
      confirmDownloads(taskId, confirmation, finalScreenshotName),
    secret: (name: string, create: () => Buffer) => secret(name, create),
    callbacks: createCallbackStore(db),
    idempotency: createIdempotencyStore(db),
    workers: createWorkerStore(db),
    close: () => db.close(),
  };
}
