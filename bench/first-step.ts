import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { resolveChromiumExecutable } from '../lib/automation/browser/chromium-executable.js';
import { startPageServer } from '../test/support/page-server.js';
import type { BenchmarkResult } from './index.js';
import { formatMs, summarize } from './stats.js';

const RUNS = 9;
const PAGE = `<!doctype html><title>Start</title><button onclick="fetch('/clicked')">Go</button>`;
/** The runner's window size (run-automation.ts): every screenshot is this large. */
const VIEWPORT = { width: 1920, height: 1080 };

/** The page's screencast, as lib/automation/runner/page-sessions.ts runs it; `first` resolves with its first frame. */
async function startFrames(context: BrowserContext, page: Page): Promise<{ first: Promise<void> }> {
  const session = await context.newCDPSession(page);
  let painted = () => {};
  const first = new Promise<void>((resolve) => (painted = resolve));
  session.on('Page.screencastFrame', (event) => {
    painted();
    session.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => {});
  });
  await session.send('Page.startScreencast', { format: 'png', maxWidth: 960, maxHeight: 540 });
  return { first };
}

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
      const frames = await startFrames(context, page);
      lap('our DevTools session on the page, screencast started');
      await page.goto(pages.url('/start'));
      lap('navigation (small local page)');
      await frames.first;
      lap('step snapshot: wait for the first painted frame (later steps take the latest at once)');
      await page.screenshot({ type: 'png' });
      lap('(for comparison) a viewport screenshot (PNG), as the original takes before each step');
      const button = page.getByRole('button', { name: 'Go' });
      await button.waitFor({ state: 'visible', timeout: 5_000 });
      lap('waitFor visible');
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
    `Median of ${RUNS} runs (min–max), warm browser. The original also scrolls the element into view and pauses 50 ms before clicking; the runner leaves the scrolling to the click's own actionability checks.`,
    '',
    '| phase | time |',
    '|---|---|',
    ...rows,
  ].join('\n');
  return { title: 'First step anatomy: the Playwright calls of a task start and a click step', markdown };
}
