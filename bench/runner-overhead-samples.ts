import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { runAutomation } from '../lib/automation/runner/run-automation.js';
import type { StepFilesLayout } from '../lib/automation/runner/step-file-sink.js';
import { loadSettings } from '../lib/config/settings.js';
import { createLogger } from '../lib/log/logger.js';
import { acceptTask } from '../lib/worker/accept-task.js';
import { runServicesFromSettings } from '../lib/worker/run-services-from-settings.js';
import { launchTestBrowser } from '../test/support/browser.js';
import type { PageServer } from '../test/support/page-server.js';
import { makeTask } from '../test/support/task-fixture.js';
import { runHandWrittenSteps, type HandWrittenOptions } from './hand-written-steps.js';
import { EXPECTED_OUTPUTS, startThirtyStepPages, thirtyStepRecording } from './thirty-steps.js';

/**
 * The runner-overhead measurement itself, bundled by esbuild and run by plain `node` (see
 * runner-overhead.ts): the runner runs as the worker's bundle runs it, not through tsx, whose
 * source maps make every stack Playwright captures for its calls cost more the deeper it is.
 * Prints `{ samples: { [variant]: ms[] } }` on stdout.
 */

/** How one runner variant runs: the settings and layout a worker would give it. */
export type RunnerVariant = { trace: boolean; stepScreenshots: boolean; finalScreenshot: boolean; stepFiles: StepFilesLayout };
export type VariantSpec = { name: string } & ({ hand: HandWrittenOptions } | { runner: RunnerVariant });

const logger = createLogger({ level: 'info', format: 'json', sink: () => {} });
const SETTLE_MS = 250;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function runRecordingOnce(browser: Browser, pages: PageServer, variant: RunnerVariant): Promise<number> {
  const { settings } = loadSettings({ API_KEY: 'bench-api-key-0000', DEPLOYMENT: 'prod', LOG_LEVEL: 'info', TASK_TRACE: String(variant.trace), STEP_SCREENSHOTS: String(variant.stepScreenshots) });
  const services = runServicesFromSettings(settings);
  const automation = { ...thirtyStepRecording(pages, { extractionBeforeSleepTime: 0 }), take_final_screenshot: variant.finalScreenshot };
  const accepted = await acceptTask(makeTask({ automation, input_parameters: {} }));
  try {
    const started = performance.now();
    const outcome = await runAutomation({ task: accepted.task, automation: accepted.automation, browser, logger, downloadTimeoutSeconds: settings.DOWNLOAD_TIMEOUT_SECONDS, services, stepFiles: variant.stepFiles });
    const ms = performance.now() - started;
    if (outcome.status !== 'success') throw new Error(`the 30-step recording ended ${outcome.status}: ${String(outcome.error)}`);
    const output = JSON.stringify(outcome.outputData);
    for (const expected of Object.values(EXPECTED_OUTPUTS)) if (!output.includes(JSON.stringify(expected))) throw new Error(`runner output lacks ${expected}: ${output}`);
    return ms;
  } finally {
    await rm(accepted.task.save_directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { groups, runs } = JSON.parse(process.argv[2] ?? '{}') as { groups: VariantSpec[][]; runs: number };
  const variants = groups.flat();
  const pages = await startThirtyStepPages();
  const browser = await launchTestBrowser();
  try {
    const run = (variant: VariantSpec) => ('hand' in variant ? timed(() => runHandWrittenSteps(browser, pages, variant.hand)) : runRecordingOnce(browser, pages, variant.runner));
    const samples: Record<string, number[]> = Object.fromEntries(variants.map((variant) => [variant.name, []]));
    // One run of each kind warms up the browser, the pages and the code paths; not counted.
    for (const variant of variants) await run(variant);
    for (let round = 0; round < runs; round++) {
      // The groups rotated each round, so no group always runs right after the same one; the
      // variants of a group (the two sides of a comparison) back to back, in turn first.
      for (let i = 0; i < groups.length; i++) {
        const group = groups[(round + i) % groups.length] as VariantSpec[];
        for (const variant of round % 2 === 0 ? group : [...group].reverse()) {
          // What the run before left behind (files being written out, processes exiting) settles first.
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
          samples[variant.name]?.push(await run(variant));
        }
      }
    }
    process.stdout.write(`${JSON.stringify({ samples })}\n`);
  } finally {
    await browser.close();
    await pages.close();
  }
}

await main();
