import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as z from 'zod';

/** The reports a task ends with, in the order they are sent (spec §2.1, current revision). */
export const REPORT_KINDS = ['start_task', 'save_output_data', 'upload_files', 'save_trajectory', 'complete_task', 'initiate_callback', 'remove_task_files'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const OutboxEntry = z.object({
  /** Sorts in the order entries were added, across restarts. */
  id: z.string(),
  task_id: z.string(),
  kind: z.enum(REPORT_KINDS),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  attempts: z.number().int().min(0),
  /** Epoch milliseconds before which it is not tried again. */
  next_attempt_at: z.number(),
  last_error: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export type NewEntry = Pick<OutboxEntry, 'task_id' | 'kind' | 'payload'>;

/** A group of entries added together, written before the entries themselves. */
const BATCH = '.batch';

/**
 * The outbox on disk: one JSON file per report, written to a temporary name, flushed, then
 * renamed into place, so a crash leaves either the whole entry or none. Reports added together
 * (the end of a task) are first written as one batch file, so a crash while their files are
 * written leaves all of them or none: the next start writes out what a batch holds. A delivered
 * entry's file is removed; a refused one is moved to `rejected/` to be looked at.
 */
export class OutboxStore {
  #counter = 0;

  constructor(readonly directory: string) {}

  async open(): Promise<OutboxEntry[]> {
    await mkdir(join(this.directory, 'rejected'), { recursive: true });
    const entries: OutboxEntry[] = [];
    const names = await readdir(this.directory);
    // Half-written entries of a crash: the entry they were replacing is still there.
    await Promise.all(names.filter((file) => file.endsWith('.tmp')).map((file) => rm(join(this.directory, file), { force: true })));
    for (const name of names.filter((file) => file.endsWith(BATCH)).sort()) await this.expandBatch(join(this.directory, name));
    for (const name of (await readdir(this.directory)).filter((file) => file.endsWith('.json')).sort()) {
      const path = join(this.directory, name);
      const parsed = OutboxEntry.safeParse(parseJson(await readFile(path, 'utf8').catch(() => '')));
      if (parsed.success) entries.push(parsed.data);
      // A file that is not an entry cannot be sent; keep it aside instead of failing the worker.
      else await rename(path, join(this.directory, 'rejected', `${name}.unreadable`)).catch(() => {});
    }
    return entries;
  }

  /** Adds `items` in order, all or none; every one is on disk when this resolves. */
  async add(items: NewEntry[], now = Date.now()): Promise<OutboxEntry[]> {
    const added: OutboxEntry[] = items.map((item) => ({ ...item, id: this.nextId(now), created_at: new Date(now).toISOString(), attempts: 0, next_attempt_at: now, last_error: null }));
    const batch = added.length > 1 ? join(this.directory, `${added[0]?.id ?? ''}${BATCH}`) : null;
    if (batch) await writeDurably(batch, JSON.stringify(added));
    for (const entry of added) await this.write(entry);
    // Nothing of the batch has been sent yet: a start that finds it still there may write it out again.
    if (batch) await rm(batch, { force: true });
    return added;
  }

  /** What a crash left of an add: its entries written out, then the batch removed. */
  private async expandBatch(path: string): Promise<void> {
    const parsed = z.array(OutboxEntry).safeParse(parseJson(await readFile(path, 'utf8').catch(() => '')));
    if (!parsed.success) {
      await rename(path, join(this.directory, 'rejected', `${basename(path)}.unreadable`)).catch(() => {});
      return;
    }
    for (const entry of parsed.data) await this.write(entry);
    await rm(path, { force: true });
  }

  write(entry: OutboxEntry): Promise<void> {
    return writeDurably(this.fileOf(entry), JSON.stringify(entry));
  }

  remove(entry: OutboxEntry): Promise<void> {
    return rm(this.fileOf(entry), { force: true });
  }

  async reject(entry: OutboxEntry): Promise<void> {
    await rename(this.fileOf(entry), join(this.directory, 'rejected', `${entry.id}.json`)).catch(() => {});
  }

  private fileOf(entry: Pick<OutboxEntry, 'id'>): string {
    return join(this.directory, `${entry.id}.json`);
  }

  private nextId(now: number): string {
    this.#counter = (this.#counter + 1) % 1_000_000;
    return `${String(now).padStart(15, '0')}-${String(this.#counter).padStart(6, '0')}`;
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  // Entries hold the task's API key: readable by this user only.
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
