import type { Browser, Locator, Page } from 'playwright-core';
import type { PageServer } from '../test/support/page-server.js';
import { EXPECTED_OUTPUTS, VALUES } from './thirty-steps.js';

/** The runner's window size (run-automation.ts). */
const VIEWPORT = { width: 1920, height: 1080 };

export type HandWrittenOptions = {
  /** Before each step, the viewport screenshot and title the runner keeps as the step's snapshot. */
  snapshotEachStep?: boolean;
  /** Before each element action, the runner's try: waitFor visible, isVisible, scrollIntoViewIfNeeded. */
  runnerChecks?: boolean;
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
    const before = options.snapshotEachStep ? () => snapshot(page) : async () => {};
    const read: Record<string, string> = {};
    const at = async (selector: string): Promise<Locator> => {
      const locator = page.locator(selector);
      if (options.runnerChecks) {
        await locator.waitFor({ state: 'visible', timeout: 1_000 });
        await locator.isVisible();
        await locator.scrollIntoViewIfNeeded({ timeout: 1_000 });
      }
      return locator;
    };
    const v = VALUES;
    await page.goto(pages.url('/a'));
    await before(); await (await at('#name')).fill(v.name);
    await before(); await (await at('#city')).pressSequentially(v.city);
    await before(); await (await at('#country')).selectOption(v.country);
    await before(); await (await at('#terms')).check();
    await before(); await (await at('#add')).click();
    await before(); read.count = (await page.locator('#count').innerText()).trim();
    await before(); await (await at('#email')).fill(v.email);
    await before(); await (await at('#plan')).selectOption(v.plan);
    await before(); await (await at('#newsletter')).check();
    await before(); await (await at('#next')).click();
    await page.waitForURL('**/b');
    await before(); await (await at('#company')).fill(v.company);
    await before(); await (await at('#zip')).pressSequentially(v.zip);
    await before(); await (await at('#size')).selectOption(v.size);
    await before(); await (await at('#agree')).check();
    await before(); await (await at('#compute')).click();
    await before(); read.total = (await page.locator('#total').innerText()).trim();
    await before(); await page.goto(pages.url('/c'));
    await before(); await (await at('#q')).fill(v.query);
    await before(); await (await at('#search')).click();
    await before(); read.results = (await page.locator('#results').innerText()).trim();
    await before(); await (await at('#sort')).selectOption(v.sort);
    await before(); await (await at('#exact')).check();
    await before(); await (await at('#note')).fill(v.note);
    await before(); await (await at('#code')).pressSequentially(v.code);
    await before(); await (await at('#save')).click();
    await page.waitForURL('**/d?**');
    await before(); read.summary = (await page.locator('#summary').innerText()).trim();
    await before(); await (await at('#comment')).fill(v.comment);
    await before(); await (await at('#rating')).selectOption(v.rating);
    await before(); await (await at('#confirm')).check();
    await before(); await (await at('#done')).click();
    await page.locator('#status', { hasText: 'done' }).waitFor();
    for (const [name, expected] of Object.entries(EXPECTED_OUTPUTS)) {
      if (read[name] !== expected) throw new Error(`hand-written steps read ${name}=${JSON.stringify(read[name])}, expected ${JSON.stringify(expected)}`);
    }
    return read;
  } finally {
    await context.close();
  }
}

async function snapshot(page: Page): Promise<void> {
  await page.screenshot({ type: 'png', timeout: 10_000 });
  await page.title();
}
