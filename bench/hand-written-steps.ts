import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { PageServer } from '../test/support/page-server.js';
import { EXPECTED_OUTPUTS, VALUES } from './thirty-steps.js';

/** The runner's window size (run-automation.ts). */
const VIEWPORT = { width: 1920, height: 1080 };

export type HandWrittenOptions = {
  /**
   * What the original's steps do beyond the bare call, which the runner keeps: the wait for the
   * element to be visible before typing (which does not wait for it) and before clicking (the
   * runner keeps it so that a click has the try's whole time and is never repeated),
   * the options read before a select (its smart matching of labels and values needs them; read
   * from its markup in Playwright's utility world, as the runner does) and an uncheck before each
   * check (so the page sees a change event).
   */
  originalSemantics?: boolean;
  /** The full-page final screenshot a recording asks for (take_final_screenshot, on by default). */
  finalScreenshot?: boolean;
  /** The runner's step screenshots: the page's screencast running, its latest frame taken each step. */
  screencast?: boolean;
};

/**
 * The 30 steps of bench/thirty-steps.ts written by hand with playwright-core, as a developer
 * would: one fresh context, Playwright's own auto-waiting, no fixed sleeps, waitForURL after the
 * two clicks that navigate. Answers the values read, checked against the runner's.
 */
export async function runHandWrittenSteps(browser: Browser, pages: PageServer, options: HandWrittenOptions = {}): Promise<Record<string, string>> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const cast = options.screencast ? await startScreencast(context, page) : null;
    const before = cast ? async () => void cast.latest() : async () => {};
    const read: Record<string, string> = {};
    const semantics = options.originalSemantics === true;
    // Playwright's fill, selectOption and check wait for a visible element themselves.
    const at = (selector: string): Locator => page.locator(selector);
    const visible = async (selector: string): Promise<Locator> => {
      const locator = page.locator(selector);
      if (semantics) await locator.waitFor({ state: 'visible', timeout: 1_000 });
      return locator;
    };
    const type = async (selector: string, text: string) => (await visible(selector)).pressSequentially(text);
    const click = async (selector: string) => (await visible(selector)).click();
    const select = async (selector: string, value: string) => {
      const locator = at(selector);
      if (semantics) await Promise.all([locator.innerHTML(), locator.locator('xpath=self::select').count()]);
      await locator.selectOption(value);
    };
    const check = async (selector: string) => {
      const locator = at(selector);
      if (semantics) await locator.uncheck();
      await locator.check();
    };
    const v = VALUES;
    await page.goto(pages.url('/a'));
    await before(); await at('#name').fill(v.name);
    await before(); await type('#city', v.city);
    await before(); await select('#country', v.country);
    await before(); await check('#terms');
    await before(); await click('#add');
    await before(); read.count = (await page.locator('#count').innerText()).trim();
    await before(); await at('#email').fill(v.email);
    await before(); await select('#plan', v.plan);
    await before(); await check('#newsletter');
    await before(); await click('#next');
    await page.waitForURL('**/b');
    await before(); await at('#company').fill(v.company);
    await before(); await type('#zip', v.zip);
    await before(); await select('#size', v.size);
    await before(); await check('#agree');
    await before(); await click('#compute');
    await before(); read.total = (await page.locator('#total').innerText()).trim();
    await before(); await page.goto(pages.url('/c'));
    await before(); await at('#q').fill(v.query);
    await before(); await click('#search');
    await before(); read.results = (await page.locator('#results').innerText()).trim();
    await before(); await select('#sort', v.sort);
    await before(); await check('#exact');
    await before(); await at('#note').fill(v.note);
    await before(); await type('#code', v.code);
    await before(); await click('#save');
    await page.waitForURL('**/d?**');
    await before(); read.summary = (await page.locator('#summary').innerText()).trim();
    await before(); await at('#comment').fill(v.comment);
    await before(); await select('#rating', v.rating);
    await before(); await check('#confirm');
    await before(); await click('#done');
    await page.locator('#status', { hasText: 'done' }).waitFor();
    if (options.finalScreenshot) await page.screenshot({ type: 'png', fullPage: true });
    await cast?.stop();
    for (const [name, expected] of Object.entries(EXPECTED_OUTPUTS)) {
      if (read[name] !== expected) throw new Error(`hand-written steps read ${name}=${JSON.stringify(read[name])}, expected ${JSON.stringify(expected)}`);
    }
    return read;
  } finally {
    await context.close();
  }
}

/** Chromium's screencast of the context's page, as page-sessions.ts runs it for the runner. */
async function startScreencast(context: BrowserContext, page: Page): Promise<{ latest(): string | null; stop(): Promise<void> }> {
  const session = await context.newCDPSession(page);
  let frame: string | null = null;
  session.on('Page.screencastFrame', (event) => {
    frame = event.data;
    session.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => {});
  });
  await session.send('Page.startScreencast', { format: 'png', maxWidth: 960, maxHeight: 540 });
  return { latest: () => frame, stop: () => session.detach().catch(() => {}) };
}
