import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HumanInLoopGate } from '../../automation/runner/run-services.js';
import type { Settings } from '../../config/settings.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Automation } from '../../schemas/automation/automation.js';
import { endedOutcome, outcomeAfterStop, type AcceptedTask, type TaskRunner, type TaskRunOutcome } from '../task-runner.js';
import { encodeStopReason, type FromThread, type TaskThreadData, type ToThread } from './thread-messages.js';

export type ThreadedTaskRunnerOptions = {
  settings: Settings;
  /** The browser's own lines (launch, crash) and those of a thread that failed. */
  logger: Logger;
  /** The worker's gate: /human_in_loop_completed reaches it on this thread. */
  humanInLoop: HumanInLoopGate;
  /** How long close() waits for the thread to close its browser before ending it. */
  closeTimeoutMs?: number;
  /** How long a stopped run may take to answer before its thread is ended (tests shorten it). */
  stopGraceMs?: number;
};

type PendingRun = {
  accepted: AcceptedTask<Automation>;
  logger: Logger;
  signal: AbortSignal | undefined;
  /** The thread the run was sent to: only its end fails the run. */
  thread: Worker;
  settle: (result: { outcome: TaskRunOutcome } | { error: Error }) => void;
};

const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
/**
 * The thread's runner lets a stopped run wrap up for 5 s, then recycles the browser (closed
 * within 5 s, else killed). A thread silent past this is blocked (a code step's endless loop).
 */
const DEFAULT_STOP_GRACE_MS = 15_000;

/**
 * Where the task thread's code is: next to this module in a source checkout (TypeScript, bundled
 * as it starts by source-bootstrap.mjs), else dist/infra/local/task-thread.js, written by
 * infra/build.mjs, found from any bundle of dist/infra/ (the worker's, the CLI's).
 */
export function taskThreadEntry(base: string = import.meta.url): { file: URL; fromSource: boolean } {
  const fromSource = base.endsWith('.ts');
  return { file: new URL(fromSource ? './task-thread.ts' : '../local/task-thread.js', base), fromSource };
}

/**
 * A TaskRunner whose runs happen in a worker thread (task-thread.ts) holding the warm browser:
 * the main thread only passes messages, so a running task never delays an HTTP answer. One thread
 * serves every task in turn; one that dies fails its task, and the next task starts a new one.
 */
export function createThreadedTaskRunner(options: ThreadedTaskRunnerOptions): TaskRunner<Automation> {
  const entry = taskThreadEntry();
  if (!existsSync(entry.file)) throw new Error(`the task thread's code is missing (${fileURLToPath(entry.file)}): build with infra/build.mjs, or set TASK_THREAD=false`);
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const runs = new Map<number, PendingRun>();
  let thread: Worker | undefined;
  let closed: Promise<void> | undefined;
  let warmed: Promise<void> | undefined;
  let nextRunId = 0;

  function start(): Worker {
    const data: TaskThreadData = { settings: options.settings, logLevel: options.settings.LOG_LEVEL };
    const worker = entry.fromSource
      ? new Worker(new URL('./source-bootstrap.mjs', import.meta.url), { workerData: { ...data, entry: entry.file.href } })
      : new Worker(entry.file, { workerData: data });
    worker.on('message', (message: FromThread) => receive(worker, message));
    worker.on('error', (error) => options.logger.error('the task thread failed', { error }));
    worker.once('exit', (code) => {
      if (thread === worker) {
        thread = undefined;
        warmed = undefined;
      }
      // A run the thread never answered ends here, failed: the next task starts a new thread.
      for (const [runId, run] of runs) {
        if (run.thread !== worker) continue;
        runs.delete(runId);
        run.settle({ outcome: outcomeAfterStop(endedOutcome('failed', `The task thread stopped (exit code ${code}) before the task ended`), run.signal) });
      }
    });
    // The worker process may exit while the thread idles: only a running task keeps it alive.
    worker.unref();
    return worker;
  }

  /** Ends a thread that no longer answers; its runs fail as it exits (its Chromium exits with its pipe). */
  function end(worker: Worker): void {
    if (thread === worker) {
      thread = undefined;
      warmed = undefined;
    }
    void worker.terminate();
  }

  function receive(worker: Worker, message: FromThread): void {
    const answer = (reply: ToThread) => worker.postMessage(reply);
    switch (message.type) {
      case 'log': {
        const logger = message.runId === null ? options.logger : (runs.get(message.runId)?.logger ?? options.logger);
        logger[message.level](message.msg, message.fields);
        return;
      }
      case 'outcome':
      case 'run-failed': {
        const run = runs.get(message.runId);
        if (!run) return;
        runs.delete(message.runId);
        run.accepted.task.retry_count = message.retryCount;
        // A runner that threw on the thread throws here too: the worker handles it as it would in-process.
        run.settle(message.type === 'outcome' ? { outcome: message.outcome } : { error: new Error(message.error) });
        return;
      }
      case 'hitl-notify':
        options.humanInLoop.notify(message.task).then(
          () => answer({ type: 'hitl-answer', callId: message.callId }),
          (error: unknown) => answer({ type: 'hitl-answer', callId: message.callId, error: errorMessage(error) }),
        );
        return;
      case 'hitl-wait': {
        const run = [...runs.values()].find((r) => r.accepted.task.task_id === message.taskId);
        options.humanInLoop.waitForRelease(message.taskId, message.timeoutMs, run?.signal).then(
          (released) => answer({ type: 'hitl-answer', callId: message.callId, released }),
          (error: unknown) => answer({ type: 'hitl-answer', callId: message.callId, error: errorMessage(error) }),
        );
        return;
      }
      case 'warmed':
        if (message.error) options.logger.warn('warm-up failed; the first task loads what it needs', { error: message.error });
        return;
      case 'closed':
        void worker.terminate();
        return;
    }
  }

  return {
    /** Starts the thread and has it load the runner and playwright-core, so the first task does not wait for them. */
    warmUp() {
      if (closed) return Promise.resolve();
      const worker = (thread ??= start());
      warmed ??= new Promise<void>((resolve) => {
        const onMessage = (message: FromThread) => {
          if (message.type !== 'warmed') return;
          worker.off('message', onMessage);
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'warm-up' } satisfies ToThread);
      });
      return warmed;
    },
    run(accepted, { logger, signal }) {
      if (closed) return Promise.resolve(endedOutcome('failed', 'The worker is shutting down'));
      const worker = (thread ??= start());
      const runId = nextRunId++;
      return new Promise<TaskRunOutcome>((resolve, reject) => {
        let graceTimer: NodeJS.Timeout | undefined;
        const onAbort = () => {
          worker.postMessage({ type: 'stop', runId, reason: encodeStopReason(signal?.reason) } satisfies ToThread);
          graceTimer = setTimeout(() => {
            options.logger.warn('the task thread did not answer the stop in time; ending it', { task_id: accepted.task.task_id, grace_ms: stopGraceMs });
            end(worker);
          }, stopGraceMs);
        };
        runs.set(runId, {
          accepted,
          logger,
          signal,
          thread: worker,
          settle(result) {
            clearTimeout(graceTimer);
            signal?.removeEventListener('abort', onAbort);
            if (![...runs.values()].some((run) => run.thread === worker)) worker.unref();
            if ('outcome' in result) resolve(result.outcome);
            else reject(result.error);
          },
        });
        worker.ref();
        // The raw recording stays here: the thread runs the parsed one (a second copy would double its memory).
        const sent = { task: { ...accepted.task, automation: null }, automation: accepted.automation };
        worker.postMessage({ type: 'run', runId, accepted: sent } satisfies ToThread);
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    close() {
      closed ??= (async () => {
        const worker = thread;
        if (!worker) return;
        worker.ref();
        const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage({ type: 'close' } satisfies ToThread);
        const timer = setTimeout(() => void worker.terminate(), options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        await ended;
        clearTimeout(timer);
      })();
      return closed;
    },
  };
}
