import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep, extractionStep } from '../../../test/support/steps.js';
import { taskPaths } from '../../schemas/wire/task.js';

const SHOP_PAGE = `<!doctype html><title>Shop</title><h1>Shop</h1>
<button onclick="placeOrder()">Place order</button>
<button onclick="exportCsv()">Export</button>
<p id="result"></p>
<script>
  document.cookie = 'sid=xyz; path=/';
  async function placeOrder() {
    const answer = await fetch('/api/order', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'item=book&qty=2' });
    // Created only once the answer is in, so an extraction waits for it rather than reading ''.
    document.getElementById('result').innerHTML = 'Order <span id="order-id">' + (await answer.json()).order_id + '</span>';
  }
  function exportCsv() {
    fetch('/api/export', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'format=csv&month=07' });
  }
</script>`;

const TALL_PAGE = `<!doctype html><title>Tall</title><body style="margin:0"><div style="height:3000px;background:linear-gradient(#fff,#00f)"></div></body>`;

const STORAGE_PAGE = `<!doctype html><title>Storage</title>
<script>
  localStorage.setItem('theme', 'dark');
  sessionStorage.setItem('cart', '3');
  document.cookie = 'visitor=v1; path=/';
</script>`;

const LIST_PAGE = `<!doctype html><title>List</title>
<ul id="items"><li class="item">one</li><li class="item">two</li><li class="item">three</li></ul>
<script>
  // A list that renders in two batches: counting must wait for the count to settle.
  setTimeout(() => { const li = document.createElement('li'); li.className = 'item'; li.textContent = 'four'; document.getElementById('items').append(li); }, 400);
</script>`;

let browser: Browser;
let server: PageServer;

const click = (command: string) => clickStep(command);
const goTo = (url: string) => ({ type: 'action_node', end_sleep_time: 0.2, interaction_action: { go_to_url: { url } } });
const extraction = extractionStep;
const misc = (action: Record<string, unknown>) => ({ type: 'action_node', end_sleep_time: 0, misc_action: action });
const locatorText = (command: string, name: string | null, extra: Record<string, unknown> = {}) =>
  extraction({ ...extra, locator: { command, ...(name === null ? {} : { output_variable_name: name }), extraction_format: { [name ?? 'text']: 'str' } } });

/** Width and height from a PNG's IHDR chunk. */
function pngSize(base64: string | undefined): { width: number; height: number } {
  const png = Buffer.from(base64 ?? '', 'base64');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/shop': SHOP_PAGE, '/tall': TALL_PAGE, '/list': LIST_PAGE, '/after': '<title>After</title>', '/receipt': '<title>Receipt</title>' },
    {
      '/api/order': (_req, res) => sendJson(res, 200, { order_id: 'A-17', total: 42 }),
      '/api/export': (_req, res) => void res.writeHead(200, { 'content-type': 'text/csv' }).end('id,total\n17,42\n'),
      '/storage': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'server_session=s1; Path=/; HttpOnly' }).end(STORAGE_PAGE);
      },
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('network_call extraction', () => {
  it('extracts the request body and the response body of the matching call, under unique_identifier', async () => {
    const automation = recording(
      server.url('/shop'),
      [
        click('get_by_role("button", name="Place order")'),
        extraction({ unique_identifier: 'order-{sku[0]}', network_call: { url_pattern: '/api/order', extract_from: 'request' } }),
        extraction({ unique_identifier: 'order-{sku[0]}', network_call: { url_pattern: '/api/order', extract_from: 'response' } }),
      ],
      { sku: ['x'] },
    );
    const { outcome } = await runRecording(browser, automation, { input_parameters: { sku: ['book'] } });
    expect(outcome.error).toBeNull();
    expect(outcome.outputData).toEqual([
      // A request body is its text; a JSON response body is parsed.
      { unique_identifier: 'order-book', json_data: { body: 'item=book&qty=2' } },
      { unique_identifier: 'order-book', json_data: { body: { order_id: 'A-17', total: 42 } } },
    ]);
  });

  it('with download_from "request" replays the request with the page cookies and saves the answer in downloads', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/shop'), [
      click('get_by_role("button", name="Export")'),
      extraction({ network_call: { url_pattern: '/api/export', download_from: 'request', download_filename: 'export.csv' } }),
    ]);
    const { task, outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(outcome.downloads).toEqual(['export.csv']);
    expect(readFileSync(join(taskPaths(task).downloadsDirectory, 'export.csv'), 'utf8')).toBe('id,total\n17,42\n');
    const exports = server.requests.filter((r) => r.path === '/api/export');
    // The page's call, then the replay: same method and body, and the cookie the page set.
    expect(exports.map((r) => [r.method, r.body])).toEqual([
      ['POST', 'format=csv&month=07'],
      ['POST', 'format=csv&month=07'],
    ]);
    expect(exports[1]?.headers.cookie).toBe('sid=xyz');
    // extract_from keeps its default ("response"), so the answer is also output data.
    expect(outcome.outputData).toEqual([{ unique_identifier: null, json_data: { body: 'id,total\n17,42\n' } }]);
  });
});

describe('screenshot and state extraction', () => {
  it('adds screenshots as output data under their filename, full page or viewport only', async () => {
    const automation = recording(
      server.url('/tall'),
      [extraction({ unique_identifier: 'shots', screenshot: { filename: 'whole', full_page: true } }), extraction({ screenshot: { filename: 'visible', full_page: false } })],
      {},
      { take_final_screenshot: false },
    );
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData.map((o) => [o.unique_identifier, o.screenshot?.filename])).toEqual([
      ['shots', 'whole'],
      [null, 'visible'],
    ]);
    expect(pngSize(outcome.outputData[0]?.screenshot?.base64)).toEqual({ width: 1920, height: 3000 });
    expect(pngSize(outcome.outputData[1]?.screenshot?.base64)).toEqual({ width: 1920, height: 1080 });
  });

  it('reports the page state: url, title, local and session storage, every cookie and document.cookie', async () => {
    const { outcome } = await runRecording(browser, recording(server.url('/storage'), [extraction({ unique_identifier: 'session', state: {} })]));
    expect(outcome.error).toBeNull();
    const [state] = outcome.outputData;
    expect(state?.unique_identifier).toBe('session');
    expect(state?.json_data).toMatchObject({
      page_url: server.url('/storage'),
      page_title: 'Storage',
      local_storage: { theme: 'dark' },
      session_storage: { cart: '3' },
      // The page cannot see its HttpOnly cookie...
      document_cookie: 'visitor=v1',
    });
    // ...but the browser context reports it.
    expect(state?.json_data?.cookies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'server_session', value: 's1', httpOnly: true }),
        expect.objectContaining({ name: 'visitor', value: 'v1', httpOnly: false }),
      ]),
    );
  });
});

describe('locator extraction', () => {
  it('stores the element text in a generated variable that a later step uses as {name[0]}', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/shop'), [
      click('get_by_role("button", name="Place order")'),
      locatorText('locator("#order-id")', 'order_id', { unique_identifier: 'receipt' }),
      // No output_variable_name: loading bakes node3_output (the third node) in as its name.
      locatorText('locator("h1")', null),
      goTo(server.url('/receipt?order={order_id[0]}&title={node3_output[0]}')),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData).toEqual([
      { unique_identifier: 'receipt', json_data: { order_id: 'A-17' } },
      { unique_identifier: null, json_data: { node3_output: 'Shop' } },
    ]);
    const receipt = server.requests.find((r) => r.path === '/receipt');
    expect([receipt?.query.get('order'), receipt?.query.get('title')]).toEqual(['A-17', 'Shop']);
  });

  it('fails the task on a missing value unless allow_none is true', async () => {
    server.requests.length = 0;
    const missing = (allowNone: boolean) =>
      runRecording(browser, recording(server.url('/shop'), [locatorText('locator("#missing")', 'missing', { allow_none: allowNone }), goTo(server.url(`/after?allow_none=${allowNone}`))]));
    // Both wait out the locator's 5 s text timeout; side by side they wait once.
    const [strict, lenient] = await Promise.all([missing(false), missing(true)]);

    expect(strict.outcome.status).toBe('failed');
    expect(strict.outcome.error).toContain("Extraction produced null value(s) in variable 'missing' and allow_none is False");
    expect(lenient.outcome.error).toBeNull();
    // Either way the null is reported; only the lenient run goes on to the next step.
    for (const run of [strict, lenient]) expect(run.outcome.outputData).toEqual([{ unique_identifier: null, json_data: { missing: null } }]);
    expect(server.requests.filter((r) => r.path === '/after').map((r) => r.query.get('allow_none'))).toEqual(['true']);
  });
});

describe('misc_action', () => {
  it('counts a locator once its count settles, and sets variables from values and expressions', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/list'), [
      misc({ count_locator: { locator: 'locator("li.item")', name: 'count', output_variable_name: 'item_count' } }),
      misc({ set_variable: { name: 'next', expression: '{count[0]} + 1', output_variable_name: 'next' } }),
      misc({ set_variable: { name: 'tier', value: 'gold' } }),
      misc({ set_variable: { name: 'pair', expression: "[{count[0]}, '{tier[0]}'.upper()]", output_variable_name: 'pair' } }),
      misc({ count_locator: { locator: 'locator("li.missing")', name: 'none', locator_timeout: 0.3, output_variable_name: 'missing_count' } }),
      goTo(server.url('/after?next={next[0]}&tier={tier[0]}&none={none[0]}')),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData).toEqual([
      { unique_identifier: 'item_count', json_data: { item_count: 4 } },
      { unique_identifier: 'next', json_data: { next: 5 } },
      { unique_identifier: 'pair', json_data: { pair: [4, 'GOLD'] } },
      { unique_identifier: 'missing_count', json_data: { missing_count: 0 } },
    ]);
    const after = server.requests.find((r) => r.path === '/after');
    expect(Object.fromEntries(after?.query ?? [])).toEqual({ next: '5', tier: 'gold', none: '0' });
  });
});
