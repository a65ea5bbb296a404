import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../test/support/page-server.js';
import { ElementIndexError, locatorForIndex, snapshotPage, type PageSnapshot } from './page-snapshot.js';

const FORM_PAGE = `<!doctype html><title>Form</title>
<h1>Sign in</h1>
<form method="post" action="/submit">
  <label for="email">Email</label><input id="email" name="email" value="ada@example.com">
  <label>Password <input type="password" name="password"></label>
  <label>Country <select name="country"><option>France</option><option selected>Spain</option></select></label>
  <label><input type="checkbox" name="remember" checked> Remember me</label>
  <input type="hidden" name="csrf" value="t0k3n">
  <button type="submit">Sign in</button>
  <button type="button" disabled>Later</button>
</form>
<a href="/help">Help</a>
<p style="display:none">Secret hidden text</p>
<button style="visibility:hidden">Ghost</button>
<div hidden><a href="/nowhere">Hidden link</a></div>`;

const FRAMES_PAGE = (crossOrigin: string) => `<!doctype html><p>Top text</p>
<iframe src="/frames/outer"></iframe>
<iframe src="${crossOrigin}"></iframe>
<iframe src="/frames/inner" style="display:none"></iframe>`;
const OUTER_FRAME = `<!doctype html><p>Outer text</p><iframe src="/frames/inner"></iframe>`;
const INNER_FRAME = `<!doctype html><button id="go" onclick="fetch('/api/go', { method: 'POST', body: 'inner' })">Go inner</button>`;
const CROSS_FRAME = `<!doctype html><label>Code <input id="code"></label>
<button onclick="fetch('/api/code', { method: 'POST', body: document.getElementById('code').value })">Send code</button>`;

const SHADOW_PAGE = `<!doctype html><user-card></user-card>
<script>
  customElements.define('user-card', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = '<p>Inside shadow</p><label>Nick <input id="nick"></label><button>Save nick</button>';
    }
  });
</script>`;

// A scripted card that wraps a field, and a hidden host whose shadow text must stay hidden.
const WIDGETS_PAGE = `<!doctype html><div onclick="void 0">Card title <input aria-label="Inside card"></div>
<hidden-host style="display:none"></hidden-host>
<script>
  customElements.define('hidden-host', class extends HTMLElement {
    constructor() { super(); this.attachShadow({ mode: 'open' }).textContent = 'Shadow text of a hidden host'; }
  });
</script>`;

const LONG_PAGE = `<!doctype html>${Array.from({ length: 200 }, (_, i) => `<p>Paragraph number ${i}</p><button>Action ${i}</button>`).join('')}`;

let browser: Browser;
let server: PageServer;
let other: PageServer;
let page: Page;

beforeAll(async () => {
  browser = await launchTestBrowser();
  // A second server on another port is another origin, so its frame is cross-origin.
  other = await startPageServer({ '/cross': CROSS_FRAME }, { '/api/code': (_req, res) => {
        res.writeHead(204).end();
      } });
  server = await startPageServer(
    { '/form': FORM_PAGE, '/frames': FRAMES_PAGE(other.url('/cross')), '/frames/outer': OUTER_FRAME, '/frames/inner': INNER_FRAME, '/shadow': SHADOW_PAGE, '/widgets': WIDGETS_PAGE, '/long': LONG_PAGE },
    {
      '/submit': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Submitted</p>');
      },
      '/api/go': (_req, res) => {
        res.writeHead(204).end();
      },
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await other?.close();
});

beforeEach(async () => {
  page = await browser.newPage();
});

afterEach(async () => {
  await page.close();
});

const indexOf = (snapshot: PageSnapshot, pattern: RegExp): number => {
  const line = snapshot.text.split('\n').find((l) => pattern.test(l));
  const match = line ? /\[(\d+)\]/.exec(line) : null;
  if (!match?.[1]) throw new Error(`no element line matches ${pattern}:\n${snapshot.text}`);
  return Number(match[1]);
};

describe('snapshotPage', () => {
  it('lists form controls with role, name, value and state, and links with their href', async () => {
    await page.goto(server.url('/form'));
    const snapshot = await snapshotPage(page, { maxChars: 10_000 });
    expect(snapshot.text.split('\n')).toEqual([
      '# Sign in',
      'Email',
      '[1]<textbox value="ada@example.com" name="Email" />',
      'Password',
      '[2]<textbox value="" name="Password" />',
      'Country',
      '[3]<combobox value="Spain" options="France|Spain" name="Country" />',
      '[4]<checkbox checked name="Remember me" />',
      'Remember me',
      '[5]<button>Sign in</button>',
      '[6]<button disabled>Later</button>',
      '[7]<link href="/help">Help</link>',
    ]);
    expect([...snapshot.elements.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('leaves out hidden elements, hidden inputs and hidden text', async () => {
    await page.goto(server.url('/form'));
    const { text } = await snapshotPage(page, { maxChars: 10_000 });
    for (const hidden of ['Secret hidden text', 'Ghost', 'Hidden link', 't0k3n', 'csrf']) expect(text).not.toContain(hidden);
  });

  it('walks same-origin and cross-origin iframes two deep, marking each boundary, and skips hidden iframes', async () => {
    await page.goto(server.url('/frames'));
    await page.frameLocator('iframe >> nth=1').getByRole('button').waitFor();
    const snapshot = await snapshotPage(page, { maxChars: 10_000 });
    expect(snapshot.text.split('\n')).toEqual([
      'Top text',
      `--- iframe "${server.url('/frames/outer')}" (same-origin) ---`,
      '  Outer text',
      `  --- iframe "${server.url('/frames/inner')}" (same-origin) ---`,
      '    [1]<button>Go inner</button>',
      '  --- end iframe ---',
      '--- end iframe ---',
      `--- iframe "${other.url('/cross')}" (cross-origin) ---`,
      '  Code',
      '  [2]<textbox value="" name="Code" />',
      '  [3]<button>Send code</button>',
      '--- end iframe ---',
    ]);
  });

  it('includes the content of open shadow roots', async () => {
    await page.goto(server.url('/shadow'));
    const { text } = await snapshotPage(page, { maxChars: 10_000 });
    expect(text.split('\n')).toEqual(['Inside shadow', 'Nick', '[1]<textbox value="" name="Nick" />', '[2]<button>Save nick</button>']);
  });

  it('lists the controls inside a scripted container and hides text in the shadow root of a hidden host', async () => {
    await page.goto(server.url('/widgets'));
    const { text } = await snapshotPage(page, { maxChars: 10_000 });
    expect(text.split('\n')).toEqual(['[1]<generic>Card title</generic>', 'Card title', '[2]<textbox value="" name="Inside card" />']);
  });

  it('truncates at maxChars with a marker counting what was left out, and maps only the shown indices', async () => {
    await page.goto(server.url('/long'));
    const snapshot = await snapshotPage(page, { maxChars: 500 });
    expect(snapshot.text.length).toBeLessThanOrEqual(500);
    const lines = snapshot.text.split('\n');
    const shownElements = lines.filter((l) => /^\[\d+\]/.test(l)).length;
    const shownTexts = lines.length - 1 - shownElements;
    expect(lines.at(-1)).toBe(`… [truncated: ${200 - shownElements} more elements and ${200 - shownTexts} more text lines left out]`);
    expect(snapshot.elements.size).toBe(shownElements);
    expect(Math.max(...snapshot.elements.keys())).toBe(shownElements);
  });
});

describe('locatorForIndex', () => {
  it('fills and clicks through the returned locators, and the server receives the form', async () => {
    await page.goto(server.url('/form'));
    const snapshot = await snapshotPage(page, { maxChars: 10_000 });
    await (await locatorForIndex(snapshot, indexOf(snapshot, /name="Email"/))).fill('grace@example.com');
    await (await locatorForIndex(snapshot, indexOf(snapshot, /name="Password"/))).fill('hunter2');
    await (await locatorForIndex(snapshot, indexOf(snapshot, /<combobox/))).selectOption('France');
    await (await locatorForIndex(snapshot, indexOf(snapshot, /<checkbox/))).uncheck();
    const filled = await snapshotPage(page, { maxChars: 10_000 });
    expect(filled.text).toContain('[2]<textbox value="••••" name="Password" />');
    expect(filled.text).not.toContain('hunter2');
    await Promise.all([page.waitForURL('**/submit'), (await locatorForIndex(filled, indexOf(filled, />Sign in</))).click()]);
    const body = new URLSearchParams(server.requests.filter((r) => r.path === '/submit').at(-1)?.body);
    expect(Object.fromEntries(body)).toEqual({ email: 'grace@example.com', password: 'hunter2', country: 'France', csrf: 't0k3n' });
  });

  it('acts inside a cross-origin iframe, an iframe two deep and a shadow root', async () => {
    await page.goto(server.url('/frames'));
    await page.frameLocator('iframe >> nth=1').getByRole('button').waitFor();
    const snapshot = await snapshotPage(page, { maxChars: 10_000 });
    await (await locatorForIndex(snapshot, indexOf(snapshot, /name="Code"/))).fill('4242');
    const code = page.waitForRequest((r) => r.url().endsWith('/api/code'));
    await (await locatorForIndex(snapshot, indexOf(snapshot, />Send code</))).click();
    await code;
    const go = page.waitForRequest((r) => r.url().endsWith('/api/go'));
    await (await locatorForIndex(snapshot, indexOf(snapshot, />Go inner</))).click();
    await go;
    expect(other.requests.filter((r) => r.path === '/api/code').map((r) => r.body)).toEqual(['4242']);
    expect(server.requests.filter((r) => r.path === '/api/go').map((r) => r.body)).toContain('inner');

    await page.goto(server.url('/shadow'));
    const shadow = await snapshotPage(page, { maxChars: 10_000 });
    await (await locatorForIndex(shadow, indexOf(shadow, /name="Nick"/))).fill('ada');
    expect(await page.locator('user-card #nick').inputValue()).toBe('ada');
  });

  it('throws naming the index when it is unknown, or when the element is gone', async () => {
    await page.goto(server.url('/form'));
    const snapshot = await snapshotPage(page, { maxChars: 10_000 });
    await expect(locatorForIndex(snapshot, 99)).rejects.toThrow(new ElementIndexError('ELEMENT_INDEX_UNKNOWN', 99, 'Element [99] is not in the page snapshot'));
    await page.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { remove(): void } } }).document.querySelector('a')?.remove());
    await expect(locatorForIndex(snapshot, 7)).rejects.toThrow(/Element \[7\] \(link "Help"\) is no longer on the page/);
  });

  it('gives a newer snapshot the element and reports the older one stale', async () => {
    await page.goto(server.url('/form'));
    const first = await snapshotPage(page, { maxChars: 10_000 });
    const second = await snapshotPage(page, { maxChars: 10_000 });
    expect(await (await locatorForIndex(second, 7)).getAttribute('href')).toBe('/help');
    await expect(locatorForIndex(first, 7)).rejects.toMatchObject({ code: 'ELEMENT_GONE', index: 7 });
  });
});
