/**
 * The task thread: runs tasks in its own warm Chromium for the worker on the main thread
 * (threaded-task-runner.ts), so that Playwright's protocol and the runner's steps never hold the
 * event loop that answers HTTP. Logs, the human-in-the-loop hand-off and each outcome go back
 * as messages; everything else a run needs it builds here from the worker's settings.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HumanInLoopGate } from '../../automation/runner/run-services.js';
import { errorMessage } from '../../errors.js';
import { LEVEL_RANK, type LogFields, type Logger, type LogLevel } from '../../log/logger.js';
import { browserTaskRunnerSettings, createBrowserTaskRunner } from '../browser-task-runner.js';
import { runServicesFromSettings } from '../run-services-from-settings.js';
import { decodeStopReason, jsonSafeFields, type FromThread, type TaskThreadData, type ToThread } from './thread-messages.js';

const port = parentPort;
if (!port) throw new Error('task-thread.ts runs as a worker thread of the worker (threaded-task-runner.ts)');
const { settings, logLevel } = workerData as TaskThreadData;

const post = (message: FromThread) => port.postMessage(message);

/** Lines below the worker's level are dropped here, before they cost a message. */
function forwardingLogger(runId: number | null, bindings: LogFields = {}): Logger {
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < LEVEL_RANK[logLevel]) return;
    const all = fields ? { ...bindings, ...fields } : bindings;
    try {
      post({ type: 'log', runId, level, msg, fields: all });
    } catch {
      post({ type: 'log', runId, level, msg, fields: jsonSafeFields(all) });
    }
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => forwardingLogger(runId, { ...bindings, ...more }),
  };
}

let nextCallId = 0;
const hitlCalls = new Map<number, { resolve: (released: boolean) => void; reject: (error: Error) => void }>();
function askMain<T extends boolean | void>(message: (callId: number) => FromThread): Promise<T> {
  const callId = nextCallId++;
  return new Promise<T>((resolve, reject) => {
    hitlCalls.set(callId, { resolve: resolve as (released: boolean) => void, reject });
    post(message(callId));
  });
}

/** The worker's gate lives on the main thread, where /human_in_loop_completed arrives. */
const humanInLoop: HumanInLoopGate = {
  notify: (task) => askMain<void>((callId) => ({ type: 'hitl-notify', callId, task: { task_id: task.task_id, api_key: task.api_key } })),
  waitForRelease(taskId, timeoutMs, signal) {
    if (signal?.aborted) return Promise.resolve(false);
    const answer = askMain<boolean>((callId) => ({ type: 'hitl-wait', callId, taskId, timeoutMs }));
    if (!signal) return answer;
    return new Promise<boolean>((resolve, reject) => {
      const onAbort = () => resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  },
};

const runner = createBrowserTaskRunner({
  ...browserTaskRunnerSettings(settings),
  logger: forwardingLogger(null),
  services: runServicesFromSettings(settings, { humanInLoop }),
});
const stops = new Map<number, AbortController>();

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'warm-up':
      runner.warmUp!().then(
        () => post({ type: 'warmed' }),
        (error: unknown) => post({ type: 'warmed', error: errorMessage(error) }),
      );
      return;
    case 'run': {
      const stop = new AbortController();
      stops.set(message.runId, stop);
      const { runId, accepted } = message;
      runner
        .run(accepted, { logger: forwardingLogger(runId), signal: stop.signal })
        .then(
          (outcome) => post({ type: 'outcome', runId, outcome, retryCount: accepted.task.retry_count }),
          (error: unknown) => post({ type: 'run-failed', runId, error: errorMessage(error), retryCount: accepted.task.retry_count }),
        )
        .finally(() => {
          stops.delete(runId);
          collectGarbageWhenExposed();
        });
      return;
    }
    case 'stop':
      stops.get(message.runId)?.abort(decodeStopReason(message.reason));
      return;
    case 'hitl-answer': {
      const call = hitlCalls.get(message.callId);
      hitlCalls.delete(message.callId);
      if (message.error !== undefined) call?.reject(new Error(message.error));
      else call?.resolve(message.released ?? false);
      return;
    }
    case 'close':
      runner.close().finally(() => {
        post({ type: 'closed' });
        port.close();
      });
      return;
  }
});

/**
 * In a process started with --expose-gc (the soak test, never a deployment) the thread collects
 * its garbage after each task: memory read from the main thread after its own collection then
 * means memory kept by both, not this thread's garbage waiting for its next collection.
 */
function collectGarbageWhenExposed(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
