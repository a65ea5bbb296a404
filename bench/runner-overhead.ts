import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { runAutomation } from '../lib/automation/runner/run-automation.js';
import { loadSettings } from '../lib/config/settings.js';
import { createLogger } from '../lib/log/logger.js';
import { acceptTask } from '../lib/worker/accept-task.js';
import { runServicesFromSettings } from '../lib/worker/run-services-from-settings.js';
import { launchTestBrowser } from '../test/support/browser.js';
import type { PageServer } from '../test/support/page-server.js';
import { makeTask } from '../test/support/task-fixture.js';
import { runHandWrittenSteps, type HandWrittenOptions } from './hand-written-steps.js';
import type { BenchmarkResult } from './index.js';
import { originalWaits } from './original-waits.js';
import { formatMs, summarize } from './stats.js';
import { EXPECTED_OUTPUTS, startThirtyStepPages, thirtyStepRecording } from './thirty-steps.js';

const RUNS = 5;
const TARGET_RATIO = 1.15;

/** `run` answers the milliseconds of the part being compared (preparation excluded). */
type Variant = { name: string; run: () => Promise<number> };

/**
 * The 30-step recording run by our runner (warm browser, the services and logger a worker
 * builds from its settings, TASK_TRACE on and off) against the same steps written by hand in the
 * same browser, runs rotating so that load on the machine hits every variant alike. The hand-
 * written steps are also run with what the original's steps do and the runner's screenshots, so
 * each part of the difference is measured rather than guessed.
 */
export async function run(): Promise<BenchmarkResult> {
  const pages = await startThirtyStepPages();
  const browser = await launchTestBrowser();
  try {
    const runner = (label: string, trace: boolean): Variant => ({ name: label, run: () => runRecordingOnce(browser, pages, trace) });
    const hand = (label: string, options: HandWrittenOptions): Variant => ({ name: label, run: () => timed(() => runHandWrittenSteps(browser, pages, options)) });
    const HAND = 'hand-written (playwright-core)';
    const SEMANTICS = "hand-written + the original's step semantics (visible wait, select's option read, uncheck before check, final full-page screenshot)";
    const FRAMES = '… + step screenshots from the screencast, as the runner takes them';
    const TRACE_OFF = 'runner, TASK_TRACE off (the default unless DEPLOYMENT=dev)';
    const TRACE_ON = 'runner, TASK_TRACE on (the default with DEPLOYMENT=dev)';
    const variants: Variant[] = [
      hand(HAND, {}),
      hand(SEMANTICS, { originalSemantics: true }),
      hand(FRAMES, { originalSemantics: true, screencast: true }),
      runner(TRACE_OFF, false),
      runner(TRACE_ON, true),
    ];
    const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
    // One run of each kind warms up the browser, the pages and the code paths; not counted.
    for (const variant of variants) await variant.run();
    for (let round = 0; round < RUNS; round++) {
      // Rotated each round, so no variant always runs right after the same one.
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(round + i) % variants.length] as Variant;
        samples.get(variant.name)?.push(await variant.run());
      }
    }
    const summary = (name: string) => summarize(samples.get(name) ?? []);
    const median = (name: string) => summary(name).median;
    const judge = (ratio: number) => (ratio <= TARGET_RATIO ? `meets ≤ ${TARGET_RATIO}×` : `misses ≤ ${TARGET_RATIO}× by ${((ratio / TARGET_RATIO - 1) * 100).toFixed(0)} %`);
    const rows = variants.map((variant) => {
      const s = summary(variant.name);
      const ratio = s.median / median(HAND);
      const judged = variant.name === TRACE_OFF || variant.name === TRACE_ON;
      return `| ${variant.name} | ${formatMs(s)} | ${ratio.toFixed(2)}× | ${judged ? judge(ratio) : '–'} |`;
    });
    const same = median(TRACE_OFF) / median(FRAMES);
    const waits = originalWaits(thirtyStepRecording(pages, {}).nodes);
    const costs = [
      `| the original's step semantics: a visible wait before each of ${waits.elementActions} element actions, the option read before 5 selects (in the page's own world: Playwright loads its script there once per document), an uncheck before 5 checks, the final full-page screenshot | ${Math.round(median(SEMANTICS) - median(HAND))} ms | hand-written + semantics − hand-written |`,
      `| step screenshots: the screencast running and its latest frame taken before each of 30 steps | ${Math.round(median(FRAMES) - median(SEMANTICS))} ms | + screenshots − + semantics |`,
      `| the runner itself: recording parsed and substituted, step folders and steps.json (written behind the steps), JSON logs, the wait after the 3 steps that navigate, the final step | ${Math.round(median(TRACE_OFF) - median(FRAMES))} ms | runner (trace off) − hand-written doing the same |`,
      `| Playwright trace (TASK_TRACE: DOM snapshots and screenshots of every action) | ${Math.round(median(TRACE_ON) - median(TRACE_OFF))} ms | runner on − off |`,
    ];
    const markdown = [
      `30 steps on 4 local pages (6 fill, 3 type, 5 select, 5 check, 6 click of which 2 navigate, 1 go_to_url, 4 locator extractions), warm browser, fresh context each run, viewport 1920×1080. Median of ${RUNS} runs (min–max), variants rotating. The runner runs with the services and logger a worker builds from its settings (JSON log lines at info, discarded), end_sleep_time left at its default (5 s: an upper bound on the load wait, which only steps that navigate or open a tab pay); every run's extracted values are checked (${Object.values(EXPECTED_OUTPUTS).join(', ')}). Target: runner ≤ ${TARGET_RATIO}× hand-written.`,
      '',
      '| variant | time | × hand-written | target |',
      '|---|---|---|---|',
      ...rows,
      '',
      `Against the same steps hand-written with the same semantics and screenshots, the runner (trace off) takes **${same.toFixed(2)}×** their time.`,
      '',
      'Where the difference to the bare hand-written steps goes (differences of the medians above):',
      '',
      '| cost | measured | how |',
      '|---|---|---|',
      ...costs,
      '',
      `What the original's documented waits would add to this recording left at its defaults: **${waits.typicalSeconds.toFixed(1)} s** on pages whose load event has fired (up to ${waits.worstSeconds.toFixed(0)} s when every load wait runs to its 5 s bound), i.e. ${((waits.typicalSeconds * 1000) / median(HAND)).toFixed(0)}× the hand-written run on top of it:`,
      '',
      ...waits.lines.map((line) => `- ${line}`),
      '',
      'Assumptions: the recording leaves end_sleep_time and before_sleep_time out (recorded ones do; this benchmark sets before_sleep_time 0 on its extractions, as the original\'s 3 s would be a plain timer); each locator matches at its first try; the load event has fired when the 0.1 s pause ends (local pages), else the wait runs to the 5 s bound.',
    ].join('\n');
    return { title: 'Runner overhead: 30 recorded steps vs the same steps hand-written', markdown };
  } finally {
    await browser.close();
    await pages.close();
  }
}

const SETTINGS_ENV = { API_KEY: 'bench-api-key-0000', DEPLOYMENT: 'dev', LOG_LEVEL: 'info' };

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function runRecordingOnce(browser: Browser, pages: PageServer, trace: boolean): Promise<number> {
  const { settings } = loadSettings({ ...SETTINGS_ENV, TASK_TRACE: String(trace) });
  const services = runServicesFromSettings(settings);
  const logger = createLogger({ level: settings.LOG_LEVEL, format: 'json', sink: () => {} });
  const accepted = await acceptTask(makeTask({ automation: thirtyStepRecording(pages, { extractionBeforeSleepTime: 0 }), input_parameters: {} }));
  try {
    const started = performance.now();
    const outcome = await runAutomation({ task: accepted.task, automation: accepted.automation, browser, logger, downloadTimeoutSeconds: settings.DOWNLOAD_TIMEOUT_SECONDS, services });
    const ms = performance.now() - started;
    if (outcome.status !== 'success') throw new Error(`the 30-step recording ended ${outcome.status}: ${String(outcome.error)}`);
    const output = JSON.stringify(outcome.outputData);
    for (const expected of Object.values(EXPECTED_OUTPUTS)) if (!output.includes(JSON.stringify(expected))) throw new Error(`runner output lacks ${expected}: ${output}`);
    return ms;
  } finally {
    await rm(accepted.task.save_directory, { recursive: true, force: true });
  }
}
