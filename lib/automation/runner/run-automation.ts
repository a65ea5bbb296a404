import { emptyTokenUsage } from '../../llm/token-usage.js';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Automation } from '../../schemas/automation/automation.js';
import { taskPaths, type Task } from '../../schemas/wire/task.js';
import type { TaskRunOutcome } from '../../worker/task-runner.js';
import { recordDialogs } from './dialog-log.js';
import { goToUrl } from './interaction/page-actions.js';
import { removeUploadCopies } from './interaction/run-interaction.js';
import { NetworkLog } from './network-log.js';
import { DownloadCapture } from './download-capture.js';
import { stepScreenshot } from './run-action-node.js';
import { runNodes } from './run-nodes.js';
import { DEFAULT_RUN_SERVICES, type RunServices } from './run-services.js';
import { pageTitle, type RunState } from './run-state.js';
import { writeStepFiles } from './step-files.js';
import { maskSecureValues } from './mask-secure-values.js';
import { resolveSecureValues } from './secure-values.js';
import { TRACE_FILE, type StepSummary } from './step-summary.js';
import { fileLimits } from './file-limits.js';
import { backgroundWrites } from './background-writes.js';
import { stepFileSink, type StepFilesLayout } from './step-file-sink.js';
import { startPageSessions } from './page-sessions.js';
import { startTrace, stepLabel } from './trace.js';

export type RunAutomationOptions = {
  task: Task;
  automation: Automation;
  browser: Browser;
  logger: Logger;
  signal?: AbortSignal;
  downloadTimeoutSeconds: number;
  /** What the worker around the run provides; a plain run has no LLM, code steps or plugins. */
  services?: RunServices;
  /** Told of each step as it finishes, with what logs/steps.json then lists last. */
  onStep?: (step: StepSummary) => void;
  /**
   * How the step folders are written (step-file-sink.ts): as files (the default, for a task whose
   * files are kept to be read) or as one archive (for a task whose files only feed its trajectory).
   */
  stepFiles?: StepFilesLayout;
};

/** The original's window size: recordings were made against a desktop layout. */
const VIEWPORT = { width: 1920, height: 1080 };

/**
 * Runs one automation in a fresh browser context (no cookies or storage shared between tasks):
 * open `automation.url`, run the nodes, then the post-processing nodes and a final full-page
 * screenshot. Never throws for a failing automation: the outcome says what happened.
 */
export async function runAutomation(options: RunAutomationOptions): Promise<TaskRunOutcome> {
  const { task, automation, logger } = options;
  const context = await options.browser.newContext({ acceptDownloads: true, viewport: VIEWPORT });
  // A stopped task (time limit, kill, dead browser) closes its context: every pending Playwright
  // call then rejects at once, whatever the page is doing (never loading, a spinning script).
  const closeOnStop = () => void context.close().catch(() => {});
  options.signal?.addEventListener('abort', closeOnStop, { once: true });
  if (options.signal?.aborted) closeOnStop();
  const services = options.services ?? DEFAULT_RUN_SERVICES;
  const trace = await startTrace(context, services.trace !== false, logger);
  // Before the first page opens, so that every page of the run is cast from its first paint.
  const pages = startPageSessions(context, logger, { screencast: services.stepScreenshots !== false });
  const paths = taskPaths(task);
  const downloads = new DownloadCapture({ dir: paths.downloadsDirectory, logger, stepIndex: () => state.stepIndex, maxBytes: fileLimits(services).maxDownloadBytes });
  const state: RunState = {
    task,
    automation,
    context,
    paths,
    logger,
    signal: options.signal,
    network: new NetworkLog(),
    downloads,
    downloadTimeoutMs: options.downloadTimeoutSeconds * 1000,
    secure: {},
    // No prototype: a variable named `__proto__` is then an ordinary key, not the object's prototype.
    generated: Object.create(null) as Record<string, unknown>,
    outputData: [],
    forLoopStatus: [],
    dialogs: [],
    services,
    stepIndex: -1,
    nodePath: 'nodes',
    navigationFailure: null,
    tokenUsage: emptyTokenUsage(),
    steps: [],
    skippedSteps: new Set(),
    askedLlm: new Set(),
    onStep: options.onStep,
    trace,
    pages,
    files: backgroundWrites(logger),
    stepFiles: stepFileSink(options.stepFiles ?? 'folders', paths.logsDirectory),
  };
  const dialogs = recordDialogs(state);
  let status: TaskRunOutcome['status'] = 'success';
  let error: string | null = null;
  const fail = (reason: unknown, prefix = '') => {
    if (status === 'failed') return;
    status = 'failed';
    const earlier = state.navigationFailure ? ` (before that, ${state.navigationFailure})` : '';
    error = `${prefix}${errorMessage(reason)}${earlier}`;
  };
  let finalScreenshot: string | null = null;
  try {
    state.network.attach(context);
    downloads.attach(context);
    await context.newPage();
    // Read before the first step, so a secret that cannot be read fails the task at once.
    state.secure = await resolveSecureValues(task, state.services.secrets);
    await goToUrl(state, automation.url);
    await runNodes(state, automation.nodes);
  } catch (reason) {
    fail(reason);
  }
  // A stopped run has no page left to post-process or photograph; why it stopped is its error.
  const stopped = options.signal?.aborted === true;
  if (stopped) {
    status = 'failed';
    error = errorMessage(options.signal?.reason);
  }
  try {
    if (!stopped) {
      try {
        await runNodes(state, automation.post_processing_nodes, 'post_processing_nodes');
      } catch (reason) {
        fail(reason, 'post_processing_nodes: ');
      }
      await settleLastRequests(state);
      // The final step lists the downloads folder: every capture must have finished by then.
      await downloads.finish(automation.expected_downloads);
      await dialogs.settle();
      finalScreenshot = await finalStep(state, automation.take_final_screenshot);
    }
  } finally {
    options.signal?.removeEventListener('abort', closeOnStop);
    // Before the close, which would discard it; a failed run's trace is the one most worth having.
    await mkdir(paths.logsDirectory, { recursive: true }).catch(() => {});
    await pages.stop();
    // The trajectory is packed from these files once the run has returned.
    await state.files.settled();
    await state.stepFiles.close().catch((reason: unknown) => logger.error('could not write the step archive', { error: reason }));
    await trace.stop(keepsTrace(state) ? join(paths.logsDirectory, TRACE_FILE) : null);
    await context.close().catch((reason: unknown) => logger.warn('could not close the browser context', { error: reason }));
    state.network.detach();
    await trace.cleanUp();
    await removeUploadCopies(paths.taskDirectory);
  }
  const files = await readdir(state.paths.downloadsDirectory).catch(() => [] as string[]);
  // A step's error may quote a value it was given (an address with a token in it): the error
  // goes to complete_task, the logs and the callback, so secure values are masked in it.
  if (error !== null) error = maskSecureValues(error, state.secure);
  return { status, error, outputData: state.outputData, finalScreenshot, forLoopStatus: state.forLoopStatus, downloads: files, tokenUsage: state.tokenUsage };
}

/**
 * A trace holds every call's parameters and the page's DOM with its input values, so a run that
 * typed a secure value would carry it in the trajectory: such a run keeps no trace.
 */
function keepsTrace(state: RunState): boolean {
  const secret = Object.values(state.secure).some((values) => values.length > 0);
  if (secret && state.services.trace !== false) state.logger.info('trace not kept: the task has secure parameters');
  return !secret;
}

/**
 * What the last step sent must reach the server before the browser closes: the page is asked
 * once (so the requests its last action started are announced), then the requests started
 * since that interaction began are given up to LAST_REQUESTS_MS to finish. The original keeps
 * its browser open for seconds after the last step (its final logging and uploads).
 */
async function settleLastRequests(state: RunState): Promise<void> {
  const page = state.context.pages().at(-1);
  if (page) await state.pages.settle(page, SETTLE_PAGE_MS);
  await state.network.settle(LAST_REQUESTS_MS);
}

const SETTLE_PAGE_MS = 100;
const LAST_REQUESTS_MS = 2_000;

/** The original's final logging step: one more step folder, and the final full-page screenshot. */
async function finalStep(state: RunState, takeScreenshot: boolean): Promise<string | null> {
  const page = state.context.pages().at(-1);
  if (!page) return null;
  state.stepIndex += 1;
  await state.trace.group(stepLabel(state.stepIndex, 'final_screenshot', 'final'));
  const startedAt = new Date();
  // The page's latest frame, as for every step; the full-page screenshot is the one reported.
  const viewport = await stepScreenshot(state, page, 10_000);
  const full = takeScreenshot ? await page.screenshot({ type: 'png', fullPage: true, timeout: 30_000 }).catch(() => null) : null;
  const title = await pageTitle(state, page);
  writeStepFiles(state, {
    stepIndex: state.stepIndex,
    tryIndex: 0,
    startedAt,
    completedAt: new Date(),
    snapshot: { url: page.url(), title, screenshot: viewport },
    node: null,
    newOutputs: [],
  });
  await state.trace.endGroup();
  return full ? full.toString('base64') : null;
}
