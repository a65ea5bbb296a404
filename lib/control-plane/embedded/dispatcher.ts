import * as z from 'zod';
import type { Settings } from '../../config/settings.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Task } from '../../schemas/wire/task.js';
import type { TaskStore } from './task-store.js';
import type { WorkerRecord } from './worker-store.js';

/** The worker's own /health answer; anything else counts as a missed check. */
const HealthAnswer = z.object({ status: z.literal('healthy'), task_running: z.boolean(), queued_tasks: z.number() });

/** The most tasks looked at per round: at most one per idle worker is handed out anyway. */
const MAX_TASKS_PER_ROUND = 100;

export type Dispatcher = {
  /** A task this control plane created: hand it to a worker (with its credentials). */
  enqueue(task: Task): void;
  /** Registration from `POST /register_child`. */
  register(worker: { task_arn: string; private_ip: string; port: number }): void;
  /** One round now: health checks, lost workers, hand-outs (the timer runs rounds too). */
  runRound(): Promise<void>;
  close(): Promise<void>;
};

export type DispatcherOptions = {
  settings: Pick<Settings, 'API_KEY' | 'WORKER_HEALTH_INTERVAL_SECONDS' | 'WORKER_LOST_AFTER_MISSES'>;
  store: TaskStore;
  logger: Logger;
  fetchImpl?: typeof fetch;
  now?: () => Date;
};

/**
 * Master mode. Every round polls each registered worker's GET /health; a worker that misses
 * WORKER_LOST_AFTER_MISSES in a row is lost, and the task it held goes back to the queue (it
 * may have died mid-run). Then each idle, healthy worker gets the oldest queued task through
 * POST /allocate_task. A worker is free again once its task has been completed (complete_task).
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, logger, settings } = options;
  const workers = store.workers;
  const fetchImpl = options.fetchImpl ?? fetch;
  const now = options.now ?? (() => new Date());
  const intervalMs = settings.WORKER_HEALTH_INTERVAL_SECONDS * 1000;
  // A check must end before the next round starts, or a hung worker would stall the rounds.
  const requestTimeoutMs = Math.max(200, Math.min(intervalMs, 10_000));
  // The fleet shares one API_KEY: every worker route but /health refuses a request without it.
  const auth = { 'x-api-key': settings.API_KEY };
  /** Credentials stay out of SQLite (see create-task.ts): the tasks created in this process keep theirs here. */
  const withCredentials = new Map<string, Task>();
  let round: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function checkHealth(worker: WorkerRecord): Promise<boolean> {
    try {
      const response = await fetchImpl(new URL('/health', worker.url), { headers: auth, signal: AbortSignal.timeout(requestTimeoutMs) });
      const answer = HealthAnswer.safeParse(await response.json());
      if (!response.ok || !answer.success) throw new Error(`HTTP ${response.status}`);
      workers.markSeen(worker.task_arn, now().toISOString());
      return !answer.data.task_running && answer.data.queued_tasks === 0;
    } catch (error) {
      workers.markMissed(worker.task_arn);
      const misses = worker.missed_health_checks + 1;
      logger.warn('worker missed a health check', { task_arn: worker.task_arn, misses, error: errorMessage(error) });
      if (misses >= settings.WORKER_LOST_AFTER_MISSES && worker.state !== 'lost') markLost(worker);
      return false;
    }
  }

  function markLost(worker: WorkerRecord): void {
    workers.setState(worker.task_arn, 'lost', null);
    const requeued = worker.current_task_id !== null && workers.requeue(worker.current_task_id);
    logger.warn('worker lost', { task_arn: worker.task_arn, requeued_task_id: requeued ? worker.current_task_id : null });
  }

  /** The task as a worker takes it: with its credentials, else with this control plane's key. */
  function taskToSend(taskId: string, stored: string): unknown {
    const full = withCredentials.get(taskId);
    if (full) return full;
    const task: unknown = JSON.parse(stored);
    return typeof task === 'object' && task !== null ? { ...task, status: 'queued', api_key: settings.API_KEY } : task;
  }

  async function allocate(worker: WorkerRecord, task: { task_id: string; task_json: string }): Promise<boolean> {
    if (!workers.markAllocated(task.task_id, now().toISOString())) return false;
    workers.setState(worker.task_arn, 'busy', task.task_id);
    try {
      const response = await fetchImpl(new URL('/allocate_task', worker.url), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify([taskToSend(task.task_id, task.task_json)]),
        signal: AbortSignal.timeout(Math.max(requestTimeoutMs, 5_000)),
      });
      if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
      logger.info('task allocated', { task_id: task.task_id, task_arn: worker.task_arn });
      return true;
    } catch (error) {
      // Unknown whether the worker took it: it is asked again next round, and the task waits.
      logger.warn('allocate_task failed; the task stays queued', { task_id: task.task_id, task_arn: worker.task_arn, error: errorMessage(error) });
      workers.requeue(task.task_id);
      workers.setState(worker.task_arn, 'idle', null);
      return false;
    }
  }

  async function runOnce(): Promise<void> {
    const idle: WorkerRecord[] = [];
    await Promise.all(
      workers.list().map(async (worker) => {
        const free = await checkHealth(worker);
        if (worker.state === 'busy' && worker.current_task_id !== null && workers.isEnded(worker.current_task_id)) {
          withCredentials.delete(worker.current_task_id);
          workers.setState(worker.task_arn, 'idle', null);
          worker = { ...worker, state: 'idle', current_task_id: null };
        }
        if (free && worker.state !== 'busy') idle.push(worker);
      }),
    );
    if (idle.length === 0) return;
    const queued = workers.queuedTasks(Math.min(idle.length, MAX_TASKS_PER_ROUND));
    await Promise.all(queued.map((task, index) => allocate(idle[index] as WorkerRecord, task)));
  }

  function runRound(): Promise<void> {
    round ??= runOnce()
      .catch((error: unknown) => logger.error('dispatch round failed', { error }))
      .finally(() => {
        round = undefined;
      });
    return round;
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => void runRound().finally(schedule), intervalMs);
  }
  schedule();

  return {
    enqueue(task) {
      withCredentials.set(task.task_id, task);
    },
    register(worker) {
      const host = worker.private_ip.includes(':') ? `[${worker.private_ip}]` : worker.private_ip;
      const url = `http://${host}:${worker.port}`;
      // The same task registering again has restarted: what it held is not running any more.
      const previous = workers.list().find((known) => known.task_arn === worker.task_arn);
      if (previous?.current_task_id) workers.requeue(previous.current_task_id);
      workers.register({ task_arn: worker.task_arn, url }, now().toISOString());
      logger.info('worker registered', { task_arn: worker.task_arn, url });
    },
    runRound,
    async close() {
      closed = true;
      clearTimeout(timer);
      await round;
    },
  };
}
