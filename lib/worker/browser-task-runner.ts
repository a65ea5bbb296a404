import { mkdir, rm } from 'node:fs/promises';
import { BrowserClosedError } from '../automation/browser/browser-closed-error.js';
import { resolveChromiumExecutable } from '../automation/browser/chromium-executable.js';
import type { BrowserLease, BrowserProvider } from '../automation/runner/browser-provider.js';
import type { RunAutomationOptions } from '../automation/runner/run-automation.js';
import type { RunServices } from '../automation/runner/run-services.js';
import { errorMessage } from '../errors.js';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import type { Automation } from '../schemas/automation/automation.js';
import { taskPaths } from '../schemas/wire/task.js';
import { runAttempts } from './run-attempts.js';
import { endedOutcome, outcomeAfterStop, TaskStoppedError, type TaskRunner, type TaskRunOutcome } from './task-runner.js';

/**
 * Runs tasks in one warm Chromium. playwright-core is imported on the first task only, so the
 * HTTP handlers (health, allocate_task) never load it.
 */
export type BrowserTaskRunnerOptions = {
  chromiumPath?: string;
  downloadTimeoutSeconds: number;
  logger: Logger;
  services?: RunServices;
  /** First wait between attempts of a recording with max_retries (doubles each time). */
  retryBaseDelayMs?: number;
  /** How long a stopped run may take to wrap up before it is let go (tests shorten it). */
  wrapUpMs?: number;
  /** Told of each step as it ends (the CLI's progress lines). */
  onStep?: RunAutomationOptions['onStep'];
  /**
   * The task's files are kept for people to read (KEEP_TASK_FILES, the CLI): its step folders are
   * written as files. Otherwise they only feed the trajectory and go into one archive
   * (step-file-sink.ts), which costs the disk far less.
   */
  keepTaskFiles?: boolean;
};

/** The options a worker's settings decide: CHROMIUM_PATH, DOWNLOAD_TIMEOUT_SECONDS, KEEP_TASK_FILES. */
export function browserTaskRunnerSettings(settings: Settings): Pick<BrowserTaskRunnerOptions, 'chromiumPath' | 'downloadTimeoutSeconds' | 'keepTaskFiles'> {
  return { chromiumPath: settings.CHROMIUM_PATH, downloadTimeoutSeconds: settings.DOWNLOAD_TIMEOUT_SECONDS, keepTaskFiles: settings.KEEP_TASK_FILES };
}

const DEFAULT_RETRY_BASE_DELAY_MS = 10_000;
/**
 * A stopped run closes its browser context, so every pending Playwright call rejects at once and
 * the run ends within milliseconds. Only a step waiting on something else (a plugin ignoring the
 * signal) can take longer; the task does not wait for it past this.
 */
const DEFAULT_WRAP_UP_MS = 5_000;

/** A retry starts clean: no downloads or step folders of the failed attempt are reported. */
async function clearAttemptFiles(paths: ReturnType<typeof taskPaths>): Promise<void> {
  for (const dir of [paths.downloadsDirectory, paths.logsDirectory]) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
}

/** The browser side, loaded on first need: playwright-core alone takes most of a second to load. */
function loadBrowserModules() {
  return Promise.all([import('../automation/runner/browser-provider.js'), import('../automation/runner/run-automation.js'), import('playwright-core')]);
}

export function createBrowserTaskRunner(options: BrowserTaskRunnerOptions): TaskRunner<Automation> {
  let provider: BrowserProvider | undefined;
  const wrapUpMs = options.wrapUpMs ?? DEFAULT_WRAP_UP_MS;
  return {
    async warmUp() {
      // What the first task would wait for short of a browser: the code, and the Chromium binary
      // found and checked (unpacked on first use).
      await Promise.all([loadBrowserModules(), resolveChromiumExecutable(options.chromiumPath)]);
    },
    async run(accepted, { logger, signal }) {
      const [{ createBrowserProvider }, { runAutomation }] = await loadBrowserModules();
      provider ??= createBrowserProvider({ chromiumPath: options.chromiumPath, logger: options.logger });
      const browserProvider = provider;
      const { task, automation } = accepted;
      return runAttempts({
        maxRetries: automation.max_retries,
        baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
        logger,
        signal,
        attempt: async (n) => {
          task.retry_count = n;
          // Asked again each attempt: a browser that crashed is replaced before the retry. A task
          // stopped while Chromium starts does not wait for it (the browser is kept for the next).
          const acquiring = browserProvider.acquire();
          const lease = await settleAfterStop(acquiring, signal, 0);
          if (!lease) {
            acquiring.catch(() => {});
            return outcomeAfterStop(endedOutcome('failed', 'The task was stopped before its browser started'), signal);
          }
          const outcome = await runGuarded(lease, signal, wrapUpMs, logger, (runSignal) =>
            runAutomation({
              task,
              automation,
              browser: lease.browser,
              logger,
              signal: runSignal,
              downloadTimeoutSeconds: options.downloadTimeoutSeconds,
              services: options.services,
              stepFiles: options.keepTaskFiles ? 'folders' : 'archive',
              ...(options.onStep ? { onStep: options.onStep } : {}),
            }),
          );
          // Whatever hung (a page, a renderer) must not reach the next task: start from a new browser.
          if (signal?.aborted) await browserProvider.recycle();
          return outcome;
        },
        beforeRetry: () => clearAttemptFiles(taskPaths(task)),
      });
    },
    async close() {
      await provider?.close();
    },
  };
}

/**
 * One attempt in `lease.browser`, stopped when the task is (time limit, kill, shutdown) or the
 * browser dies under it. runAutomation closes its context on abort, which rejects every pending
 * Playwright call; the attempt still ends within `wrapUpMs` if the run does not.
 */
async function runGuarded(
  lease: BrowserLease,
  taskSignal: AbortSignal | undefined,
  wrapUpMs: number,
  logger: Logger,
  start: (signal: AbortSignal) => Promise<TaskRunOutcome>,
): Promise<TaskRunOutcome> {
  const stop = new AbortController();
  const onTaskStop = () => stop.abort(taskSignal?.reason);
  const onBrowserLost = () => stop.abort(lease.lost.reason);
  taskSignal?.addEventListener('abort', onTaskStop, { once: true });
  lease.lost.addEventListener('abort', onBrowserLost, { once: true });
  if (taskSignal?.aborted) onTaskStop();
  if (lease.lost.aborted) onBrowserLost();
  const run = start(stop.signal);
  try {
    let outcome: TaskRunOutcome | undefined;
    try {
      outcome = await settleAfterStop(run, stop.signal, wrapUpMs);
    } catch (error) {
      // A run that throws (newContext on a dead browser) is only expected once it was stopped.
      if (!stop.signal.aborted && lease.browser.isConnected()) throw error;
    }
    if (outcome === undefined && stop.signal.aborted) {
      logger.warn('the stopped run did not wrap up in time; it is left to finish on its own', { wrap_up_ms: wrapUpMs });
      run.catch(() => {});
    }
    const settled = outcome ?? endedOutcome('failed', errorMessage(stop.signal.reason));
    if (stop.signal.reason instanceof TaskStoppedError) return outcomeAfterStop(settled, stop.signal);
    // The 'disconnected' event may come a tick after the calls it broke have rejected.
    if (stop.signal.aborted || !lease.browser.isConnected()) {
      const reason = stop.signal.aborted ? errorMessage(stop.signal.reason) : new BrowserClosedError().message;
      return { ...settled, status: 'failed', error: reason };
    }
    return settled;
  } finally {
    taskSignal?.removeEventListener('abort', onTaskStop);
    lease.lost.removeEventListener('abort', onBrowserLost);
  }
}

/**
 * `promise`, or undefined when `signal` aborted and `graceMs` passed without it settling. Never
 * waits longer than that after an abort; the timer is always cleared.
 */
async function settleAfterStop<T>(promise: Promise<T>, signal: AbortSignal | undefined, graceMs: number): Promise<T | undefined> {
  if (!signal) return promise;
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  const late = new Promise<undefined>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve(undefined), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
