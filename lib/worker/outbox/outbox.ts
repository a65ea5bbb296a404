import { ControlPlaneRejectedError, errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { OutboxStore, type NewEntry, type OutboxEntry, type ReportKind } from './outbox-store.js';

/** Sends one entry; throws when it was not acknowledged. */
export type Deliver = (entry: OutboxEntry) => Promise<void>;

export type OutboxOptions = {
  directory: string;
  deliver: Deliver;
  logger: Logger;
  /** First wait after a failed attempt; doubles each time, with jitter, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  random?: () => number;
};

/** A refusal that no retry can change: the report is put aside instead of blocking the task's next one. */
function isPermanent(error: unknown): boolean {
  return error instanceof ControlPlaneRejectedError && ![408, 425, 429].includes(error.upstreamStatus);
}

/**
 * Every report is written here before it is sent, then delivered in order per task (a task's
 * complete_task never overtakes its uploads) and retried with exponential backoff and full
 * jitter until the control plane acknowledges it. Entries survive a restart: `start()` sends
 * what a previous process left pending.
 */
export class Outbox {
  readonly #store: OutboxStore;
  readonly #pending: OutboxEntry[] = [];
  readonly #options: Required<Omit<OutboxOptions, 'directory'>>;
  #wake: (() => void) | null = null;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | null = null;
  #stopped = false;
  #drained: (() => void)[] = [];
  #ready: Promise<void> | null = null;

  constructor(options: OutboxOptions) {
    this.#store = new OutboxStore(options.directory);
    this.#options = {
      deliver: options.deliver,
      logger: options.logger,
      baseDelayMs: options.baseDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
  }

  /** Loads what is pending on disk (a previous process's reports too) and starts delivering. */
  start(): Promise<void> {
    if (!this.#ready) {
      this.#stopped = false;
      this.#ready = this.#load();
    }
    return this.#ready;
  }

  async #load(): Promise<void> {
    const left = await this.#store.open();
    this.#pending.push(...left);
    if (left.length > 0) this.#options.logger.info('outbox has reports from before the restart', { pending: left.length });
    // Stopped while the disk was read: nothing is sent, what was read stays there for the next start.
    if (this.#stopped) return;
    this.#loop ??= this.#run();
  }

  /** Writes the reports to disk (in order), then lets the loop send them. */
  async add(items: NewEntry[]): Promise<void> {
    await this.start();
    const added = await this.#store.add(items, this.#options.now());
    this.#pending.push(...added);
    this.#kick();
  }

  get size(): number {
    return this.#pending.length;
  }

  pendingKinds(taskId: string): ReportKind[] {
    return this.#pending.filter((entry) => entry.task_id === taskId).map((entry) => entry.kind);
  }

  /** Resolves once nothing is pending, or after `timeoutMs`; answers whether it emptied. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.#pending.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const emptied = new Promise<boolean>((resolve) => this.#drained.push(() => resolve(true)));
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    this.#kick();
    try {
      return await Promise.race([emptied, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops delivering; what is still pending stays on disk for the next start. */
  async stop(): Promise<void> {
    // Marked first: a load still reading the disk must not start delivering once it is done.
    this.#stopped = true;
    this.#kick();
    await this.#ready?.catch(() => {});
    await this.#loop;
    this.#loop = null;
    this.#ready = null;
    this.#pending.length = 0;
  }

  #kick(): void {
    clearTimeout(this.#timer);
    this.#wake?.();
  }

  /** The first pending entry of each task: only those may be sent now. */
  #heads(): OutboxEntry[] {
    const seen = new Set<string>();
    const heads: OutboxEntry[] = [];
    for (const entry of [...this.#pending].sort((a, b) => a.id.localeCompare(b.id))) {
      if (seen.has(entry.task_id)) continue;
      seen.add(entry.task_id);
      heads.push(entry);
    }
    return heads;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const now = this.#options.now();
      const heads = this.#heads();
      const due = heads.find((entry) => entry.next_attempt_at <= now);
      if (due) {
        await this.#attempt(due);
        continue;
      }
      if (heads.length === 0) this.#drained.splice(0).forEach((resolve) => resolve());
      const next = Math.min(...heads.map((entry) => entry.next_attempt_at));
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        if (Number.isFinite(next)) this.#timer = setTimeout(resolve, Math.max(0, next - now));
      });
      this.#wake = null;
    }
  }

  async #attempt(entry: OutboxEntry): Promise<void> {
    const { logger } = this.#options;
    try {
      await this.#options.deliver(entry);
      await this.#store.remove(entry);
      this.#forget(entry);
      logger.info('report delivered', { task_id: entry.task_id, report: entry.kind, attempts: entry.attempts + 1 });
    } catch (error) {
      if (isPermanent(error)) {
        await this.#store.reject(entry);
        this.#forget(entry);
        logger.error('report refused by the control plane; kept in the outbox rejected folder', { task_id: entry.task_id, report: entry.kind, error: errorMessage(error) });
        return;
      }
      entry.attempts += 1;
      entry.last_error = errorMessage(error);
      const ceiling = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** (entry.attempts - 1));
      // Jitter (half to all of the ceiling): workers that lost the same control plane do not all come back at once.
      entry.next_attempt_at = this.#options.now() + Math.round(ceiling * (0.5 + this.#options.random() / 2));
      await this.#store.write(entry).catch((writeError: unknown) => logger.error('could not update an outbox entry', { error: errorMessage(writeError) }));
      logger.warn('report not delivered, will retry', { task_id: entry.task_id, report: entry.kind, attempts: entry.attempts, retry_in_ms: entry.next_attempt_at - this.#options.now(), error: entry.last_error });
    }
  }

  #forget(entry: OutboxEntry): void {
    const index = this.#pending.indexOf(entry);
    if (index !== -1) this.#pending.splice(index, 1);
  }
}
