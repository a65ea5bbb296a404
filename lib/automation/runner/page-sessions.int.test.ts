import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { silentLogger } from '../../log/logger.js';
import { startPageSessions } from './page-sessions.js';

const START = `<!doctype html><title>Start</title><h1>Start</h1>
<a href="/slow">Continue</a>
<button id="open" onclick="window.open('/start')">Open</button>
<button id="paint" onclick="document.querySelector('h1').textContent = 'Painted'">Paint</button>`;

let browser: Browser;
let server: PageServer;
let context: BrowserContext | undefined;
const held: (() => void)[] = [];

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer({ '/start': START }, { '/slow': (_req, res) => void held.push(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>next')) });
});
afterEach(async () => {
  for (const release of held.splice(0)) release();
  await context?.close();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openStart() {
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const sessions = startPageSessions(context, silentLogger);
  const page = await context.newPage();
  await page.goto(server.url('/start'));
  return { page, sessions };
}

describe('our DevTools session on each page', () => {
  it('is ready, its signals known, once ready() resolves for a page that just opened, and for a new tab', async () => {
    context = await browser.newContext();
    const sessions = startPageSessions(context, silentLogger);
    const page = await context.newPage();
    await sessions.ready(page, 5_000);
    expect(sessions.signals(page)).toEqual({ navigations: 0, windows: 0 });
    await page.goto(server.url('/start'));
    const [tab] = await Promise.all([context.waitForEvent('page'), page.locator('#open').click()]);
    await sessions.ready(tab, 5_000);
    expect(sessions.signals(tab)).toEqual({ navigations: 0, windows: 0 });
  });

  it('ready() answers at once for a page it has no session for, and never waits past its bound', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    // Watching another context: this page has no session at all.
    const other = await browser.newContext();
    try {
      const sessions = startPageSessions(other, silentLogger);
      const started = Date.now();
      await sessions.ready(page, 10_000);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(sessions.signals(page)).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('keeps the latest painted frame as a PNG at half the viewport', async () => {
    const { page, sessions } = await openStart();
    const frame = await sessions.latestFrame(page, 2_000);
    expect(frame?.subarray(1, 4).toString()).toBe('PNG');
    // The PNG header's width and height (IHDR), big-endian.
    expect([frame?.readUInt32BE(16), frame?.readUInt32BE(20)]).toEqual([960, 540]);
  });

  it('counts the navigations and new windows the page asks for, and nothing for a click that only paints', async () => {
    const { page, sessions } = await openStart();
    await expect.poll(() => sessions.signals(page)).toEqual({ navigations: 0, windows: 0 });
    // The page's announcements can come after the click returns: a round trip lets them in.
    await page.locator('#paint').click();
    expect(await sessions.settle(page, 1_000)).toBe(true);
    expect(sessions.signals(page)).toEqual({ navigations: 0, windows: 0 });
    await page.locator('#open').click({ noWaitAfter: true });
    await sessions.settle(page, 1_000);
    expect(sessions.signals(page)).toEqual({ navigations: 0, windows: 1 });
    await page.getByRole('link', { name: 'Continue' }).click({ noWaitAfter: true });
    await sessions.settle(page, 300);
    expect(sessions.signals(page)?.navigations).toBe(1);
  });

  it('answers a round trip at once on a settled page, and not while its navigation waits for the server', async () => {
    const { page, sessions } = await openStart();
    expect(await sessions.settle(page, 1_000)).toBe(true);
    await page.getByRole('link', { name: 'Continue' }).click({ noWaitAfter: true });
    await expect.poll(() => held.length).toBe(1);
    expect(await sessions.settle(page, 300)).toBe(false);
    for (const release of held.splice(0)) release();
    await page.waitForURL('**/slow');
    expect(await sessions.settle(page, 1_000)).toBe(true);
  });

  it("reads the title as Playwright's page.title() does, and the page being left's while a navigation waits", async () => {
    const { page, sessions } = await openStart();
    expect(await sessions.title(page)).toBe('Start');
    await page.evaluate(`document.title = 'Set by the page & its script'`);
    expect(await sessions.title(page)).toBe(await page.title());
    await page.getByRole('link', { name: 'Continue' }).click({ noWaitAfter: true });
    await expect.poll(() => held.length).toBe(1);
    expect(await sessions.title(page)).toBe('Set by the page & its script');
    for (const release of held.splice(0)) release();
    await page.waitForURL('**/slow');
    // A page without a <title> has an empty one (the browser's tab would show its address).
    expect([await sessions.title(page), await page.title()]).toEqual(['', '']);
  });
});
