import { chromium } from 'playwright-core';
import { resolveChromiumExecutable } from '../lib/automation/browser/chromium-executable.js';
import { startPageServer } from '../test/support/page-server.js';
import type { BenchmarkResult } from './index.js';
import { formatMs, summarize } from './stats.js';

const RUNS = 9;
const PAGE = `<!doctype html><title>Start</title><button onclick="fetch('/clicked')">Go</button>`;
/** The runner's window size (run-automation.ts): every screenshot is this large. */
const VIEWPORT = { width: 1920, height: 1080 };

/**
 * Where the time of a first click step goes, measured with bare Playwright calls in the worker's
 * Chromium (same flags, same viewport): the calls the runner makes for a task and for an
 * interaction step (spec §2.1 and command_based_action_with_retry), one by one.
 */
export async function run(): Promise<BenchmarkResult> {
  let clicked: (() => void) | undefined;
  const pages = await startPageServer({ '/start': PAGE }, { '/clicked': (_req, res) => void (res.writeHead(204).end(), clicked?.()) });
  const executable = await resolveChromiumExecutable(process.env.CHROMIUM_PATH);
  const browser = await chromium.launch({ executablePath: executable.executablePath, args: executable.args, headless: true });
  const phases: Record<string, number[]> = {};
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      let mark = performance.now();
      const lap = (name: string) => {
        const now = performance.now();
        // The first round warms the browser up; it is not counted.
        if (i > 0) (phases[name] ??= []).push(now - mark);
        mark = now;
      };
      const context = await browser.newContext({ acceptDownloads: true, viewport: VIEWPORT });
      const page = await context.newPage();
      lap('new context and page');
      await page.goto(pages.url('/start'));
      lap('navigation (small local page)');
      await page.screenshot({ type: 'png' });
      lap('step snapshot: viewport screenshot (PNG)');
      const button = page.getByRole('button', { name: 'Go' });
      await button.waitFor({ state: 'visible', timeout: 5_000 });
      await button.isVisible();
      lap('waitFor visible + isVisible');
      await button.scrollIntoViewIfNeeded({ timeout: 5_000 });
      lap('scrollIntoViewIfNeeded');
      const landed = new Promise<void>((resolve) => (clicked = resolve));
      await button.click({ timeout: 5_000, noWaitAfter: true });
      await landed;
      lap('click (actionability checks, input events)');
      await context.close();
    }
  } finally {
    await browser.close();
    await pages.close();
  }
  const rows = Object.entries(phases).map(([name, samples]) => `| ${name} | ${formatMs(summarize(samples))} |`);
  const markdown = [
    `Median of ${RUNS} runs (min–max), warm browser. The original also pauses 50 ms between scrolling and clicking; the runner does not.`,
    '',
    '| phase | time |',
    '|---|---|',
    ...rows,
  ].join('\n');
  return { title: 'First step anatomy: the Playwright calls of a task start and a click step', markdown };
}
