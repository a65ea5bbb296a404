import type Database from 'better-sqlite3';
import { AppError } from '../../errors.js';

/**
 * The control plane's SQLite schema as an ordered list of migrations: a database is brought
 * from its recorded version to the newest one in a single transaction at start-up.
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
  // The current (HEAD) protocol: files arrive one by one through signed upload URLs, the
  // worker confirms the set, and the control plane delivers the callback itself, once.
  `ALTER TABLE tasks ADD COLUMN confirmed_downloads TEXT;
   ALTER TABLE tasks ADD COLUMN downloads_metadata TEXT;
   CREATE TABLE uploaded_files (
     task_id TEXT NOT NULL REFERENCES tasks (task_id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded_at TEXT NOT NULL,
     PRIMARY KEY (task_id, name)
   );
   CREATE TABLE callbacks (
     task_id TEXT PRIMARY KEY REFERENCES tasks (task_id) ON DELETE CASCADE,
     state TEXT NOT NULL CHECK (state IN ('delivering', 'delivered', 'failed')),
     target TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     requested_at TEXT NOT NULL,
     finished_at TEXT
   );
   CREATE TABLE idempotency_keys (
     route TEXT NOT NULL,
     key TEXT NOT NULL,
     status INTEGER NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (route, key)
   );
   CREATE INDEX idempotency_keys_by_created_at ON idempotency_keys (created_at);
   CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);`,
  // Master mode: the ECS workers that registered, and the task each one was handed.
  `CREATE TABLE workers (
     task_arn TEXT PRIMARY KEY,
     url TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('idle', 'busy', 'lost')),
     current_task_id TEXT,
     missed_health_checks INTEGER NOT NULL DEFAULT 0,
     registered_at TEXT NOT NULL,
     last_seen TEXT NOT NULL
   );`,
];

/** Applies the migrations this database has not seen yet. */
export function migrate(db: Database.Database): void {
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
