import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep, interactionStep } from '../../../test/support/steps.js';
import { taskPaths } from '../../schemas/wire/task.js';
import { DEFAULT_RUN_SERVICES } from './run-services.js';

/** Every page reports what happened to it through this beacon; tests read the server's log. */
const REPORT = `<script>function report(e) { fetch('/api/event?e=' + encodeURIComponent(e)); }</script>`;

const CLICK_PAGE = `<!doctype html><title>Clicks</title>${REPORT}
<style>
  #menu .submenu { display: none } #menu:hover .submenu { display: block }
  .stack { position: relative; width: 240px; height: 40px } .stack button { width: 240px; height: 40px }
  #overlay { position: absolute; inset: 0; background: rgba(0, 0, 0, .4) }
</style>
<button ondblclick="report('dblclick')" onclick="report('click')">Twice</button>
<button oncontextmenu="event.preventDefault(); report('contextmenu')" onclick="report('left-click')">Options</button>
<div class="stack"><button onclick="report('covered-button')">Covered</button><div id="overlay" onclick="report('overlay')"></div></div>
<nav id="menu" onmouseenter="report('mouseenter')"><span>Account</span><div class="submenu"><a href="#" onclick="report('sign-out'); return false">Sign out</a></div></nav>`;

const CHECK_PAGE = `<!doctype html><title>Preferences</title>
<form id="prefs">
  <label><input type="checkbox" id="news"> Newsletter</label>
  <label><input type="checkbox" id="terms" checked> Terms</label>
  <label><input type="checkbox" id="sms" checked> SMS</label>
  <button type="submit">Save</button>
</form>
<script>
  const ids = ['news', 'terms', 'sms'];
  const changes = { news: 0, terms: 0, sms: 0 };
  for (const id of ids) document.getElementById(id).addEventListener('change', () => changes[id]++);
  document.getElementById('prefs').addEventListener('submit', (event) => {
    event.preventDefault();
    const state = Object.fromEntries(ids.map((id) => [id, document.getElementById(id).checked]));
    fetch('/api/prefs', { method: 'POST', body: JSON.stringify({ ...state, changes }) });
  });
</script>`;

const INPUT_PAGE = `<!doctype html><title>Address</title>
<form id="address">
  <label>Full name <input id="fullname" value="old value"></label>
  <label>Street <input id="street"></label>
  <label>Code <input id="code"></label>
  <button type="submit">Send</button>
</form>
<script>
  const ids = ['fullname', 'street', 'code'];
  const inputs = { fullname: 0, street: 0, code: 0 };
  for (const id of ids) document.getElementById(id).addEventListener('input', () => inputs[id]++);
  document.getElementById('address').addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(ids.map((id) => [id, document.getElementById(id).value]));
    fetch('/api/address', { method: 'POST', body: JSON.stringify({ ...values, inputs }) });
  });
</script>`;

const UPLOAD_PAGE = `<!doctype html><title>Upload</title>
<label>Resume <input type="file" id="resume"></label>
<script>
  document.getElementById('resume').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    await fetch('/api/uploaded', { method: 'POST', body: JSON.stringify({ name: file.name, size: file.size, text: await file.text() }) });
    document.body.dataset.reported = 'yes';
  });
</script>`;

/** The page reports the chosen file from its change handler; the run must not end before it has. */
const AFTER_UPLOAD = { type: 'assert_locator_node', locator: 'locator("body[data-reported]")', assertion: 'to_be_visible', timeout: 5 };

const INVOICE_PAGE = `<!doctype html><title>Invoice</title><script>document.cookie = 'session=abc; path=/';</script><p>Invoice 7</p>`;

/**
 * Served for /tabs and /report?n=N: "Open report" opens report n+1 in a new tab. The counter is
 * shared by the context's tabs, so tab n is always the n-th opened, whichever tab was clicked.
 */
const TAB_PAGE = `<!doctype html><title>Tabs</title>${REPORT}
<button onclick="localStorage.n = Number(localStorage.n ?? 0) + 1; window.open('/report?n=' + localStorage.n)">Open report</button>
<button onclick="report('where:' + location.pathname + location.search)">Where am I</button>`;

const KEYS_PAGE = `<!doctype html><title>Keys</title>
<form id="pin-form">
  <label>PIN <input id="pin"></label>
  <label>Confirm <input id="confirm"></label>
  <button type="submit">Go</button>
</form>
<script>
  document.getElementById('pin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (id) => document.getElementById(id).value;
    const body = { pin: value('pin'), confirm: value('confirm'), focused: document.activeElement.id };
    fetch('/api/pin', { method: 'POST', body: JSON.stringify(body) });
  });
</script>`;

const LONG_PAGE = `<!doctype html><title>Long</title><div style="height:5000px"></div>
<p id="y" style="position:fixed;top:0;left:0">0</p>
<script>addEventListener('scroll', () => { document.getElementById('y').textContent = String(Math.round(scrollY)); });</script>`;

let browser: Browser;
let server: PageServer;

const events = () => server.requests.filter((r) => r.path === '/api/event').map((r) => r.query.get('e'));
const posted = (path: string): unknown[] => server.requests.filter((r) => r.path === path && r.method === 'POST').map((r) => JSON.parse(r.body));

/** An interaction node with the short tries and waits that keep these tests fast. */
const interaction = (action: Record<string, unknown>, node: Record<string, unknown> = {}) => interactionStep(action, node);
const click = (command: string, extra: Record<string, unknown> = {}) => clickStep(command, extra);
const openTab = () => click('get_by_role("button", name="Open report")');
const whereAmI = () => click('get_by_role("button", name="Where am I")');

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/clicks': CLICK_PAGE, '/checks': CHECK_PAGE, '/inputs': INPUT_PAGE, '/upload': UPLOAD_PAGE, '/invoice': INVOICE_PAGE, '/tabs': TAB_PAGE, '/report': TAB_PAGE, '/keys': KEYS_PAGE, '/long': LONG_PAGE },
    {
      '/api/event': (_req, res) => void res.writeHead(204).end(),
      '/files/resume': (_req, res) => {
        // No extension in the URL: the name's extension comes from content-disposition.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="resume.txt"' }).end('hello from the server');
      },
      '/files/statement': (_req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('%PDF-1.4 statement 7'),
      '/files/empty': (_req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(),
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('click_element', () => {
  it('double-clicks with double_click, always with the left button as the original (button is ignored)', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/clicks'), [
      click('get_by_role("button", name="Twice")', { double_click: true }),
      click('get_by_role("button", name="Twice")', { double_click: true, button: 'right' }),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(events().sort()).toEqual(['click', 'click', 'click', 'click', 'dblclick', 'dblclick']);
  });

  it('clicks with the right button when button is "right", opening the context menu and not clicking', async () => {
    server.requests.length = 0;
    const { outcome } = await runRecording(browser, recording(server.url('/clicks'), [click('get_by_role("button", name="Options")', { button: 'right' })]));
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['contextmenu']);
  });

  it('with force clicks at an element an overlay covers, where a normal click gives up after its tries', async () => {
    server.requests.length = 0;
    const covered = 'get_by_role("button", name="Covered")';
    const normal = await runRecording(browser, recording(server.url('/clicks'), [click(covered)]));
    expect(normal.outcome.status).toBe('failed');
    expect(normal.outcome.error).toContain(`click_element: ${covered} failed after 2 tries`);
    expect(events()).toEqual([]);

    const forced = await runRecording(browser, recording(server.url('/clicks'), [click(covered, { force: true })]));
    expect(forced.outcome.error).toBeNull();
    // Force skips the actionability checks; the click lands on what is in front, as in a browser.
    expect(events()).toEqual(['overlay']);
  });
});

describe('hover, check and uncheck', () => {
  it('hovers an element: the page sees mouseenter and its :hover menu opens for the next click', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/clicks'), [
      interaction({ hover: { command: 'locator("#menu")' } }),
      // Only displayed while the pointer stays over the menu (CSS :hover).
      click('get_by_role("link", name="Sign out")'),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['mouseenter', 'sign-out']);
  });

  it('checks and unchecks boxes, toggling the other way first so the page always sees a change event', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/checks'), [
      interaction({ check: { command: 'get_by_label("Newsletter")' } }),
      interaction({ check: { command: 'get_by_label("Terms")' } }),
      interaction({ uncheck: { command: 'get_by_label("SMS")' } }),
      click('get_by_role("button", name="Save")'),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    // Terms was already checked: unchecked, then checked again (two changes).
    expect(posted('/api/prefs')).toEqual([{ news: true, terms: true, sms: false, changes: { news: 1, terms: 2, sms: 1 } }]);
  });
});

describe('input_text', () => {
  it('fills, types key by key, presses each character in key_press mode, then presses Enter', async () => {
    server.requests.length = 0;
    const automation = recording(
      server.url('/inputs'),
      [
        interaction({ input_text: { command: 'get_by_label("Full name")', input_text: '{who[0]}' } }),
        interaction({ input_text: { command: 'get_by_label("Street")', input_text: 'Via Roma', fill_or_type: 'type' } }),
        // key_press mode types on the focused element, as the original: the recording clicks it first.
        click('get_by_label("Code")'),
        interaction({ input_text: { command: 'get_by_label("Code")', input_text: '4711', fill_or_type: 'key_press', press_enter: true } }),
      ],
      { who: ['x'] },
    );
    const { outcome } = await runRecording(browser, automation, { input_parameters: { who: ['Ada Lovelace'] } });
    expect(outcome.error).toBeNull();
    // fill replaces the old value with one input event; type and key_press send one per character.
    expect(posted('/api/address')).toEqual([{ fullname: 'Ada Lovelace', street: 'Via Roma', code: '4711', inputs: { fullname: 1, street: 8, code: 4 } }]);
  });
});

describe('upload_file', () => {
  it('uploads a local file from file_path into the file input', async () => {
    server.requests.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'upload-test-'));
    const file = join(dir, 'cover-letter.txt');
    writeFileSync(file, 'hello from disk');
    const automation = recording(server.url('/upload'), [interaction({ upload_file: { command: 'get_by_label("Resume")', file_path: file } }), AFTER_UPLOAD]);
    // The file must be in UPLOAD_FILES_DIR: that folder is this test's.
    const services = { ...DEFAULT_RUN_SERVICES, files: { uploadFilesDir: dir } };
    const { outcome } = await runRecording(browser, automation, {}, undefined, { services }).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(outcome.error).toBeNull();
    expect(posted('/api/uploaded')).toEqual([{ name: 'cover-letter.txt', size: 15, text: 'hello from disk' }]);
  });

  it('downloads file_url first, names it with the served extension, uploads it and removes the temporary copy', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/upload'), [interaction({ upload_file: { command: 'get_by_label("Resume")', file_url: server.url('/files/resume?id=5') } }), AFTER_UPLOAD]);
    const { task, outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(posted('/api/uploaded')).toEqual([{ name: 'resume.txt', size: 21, text: 'hello from the server' }]);
    expect(readdirSync(taskPaths(task).taskDirectory).filter((name) => name.startsWith('upload-'))).toEqual([]);
  });
});

describe('download_url_as_pdf', () => {
  it('saves the recorded url, or the current page when there is none, into downloads with the page cookies', async () => {
    server.requests.length = 0;
    const automation = recording(
      server.url('/invoice'),
      [
        interaction({ download_url_as_pdf: { url: server.url('/files/statement'), download_filename: 'statement-{id[0]}.pdf' } }),
        interaction({ download_url_as_pdf: { download_filename: 'invoice-page.html' } }),
      ],
      { id: ['0'] },
    );
    const { task, outcome } = await runRecording(browser, automation, { input_parameters: { id: ['7'] } });
    expect(outcome.error).toBeNull();
    const downloads = taskPaths(task).downloadsDirectory;
    expect(outcome.downloads.sort()).toEqual(['invoice-page.html', 'statement-7.pdf']);
    expect(readFileSync(join(downloads, 'statement-7.pdf'), 'utf8')).toBe('%PDF-1.4 statement 7');
    expect(readFileSync(join(downloads, 'invoice-page.html'), 'utf8')).toBe(INVOICE_PAGE);
    const fetched = server.requests.filter((r) => r.path === '/invoice');
    // The page load, then the download of the current page, which carries the cookie the page set.
    expect(fetched).toHaveLength(2);
    expect(fetched[1]?.headers.cookie).toBe('session=abc');
  });

  it('fails the task when the url answers an error or an empty body, as the original', async () => {
    const failing = (url: string) => runRecording(browser, recording(server.url('/invoice'), [interaction({ download_url_as_pdf: { url, download_filename: 'x.pdf' } })]));
    const [missing, empty] = await Promise.all([failing(server.url('/files/missing')), failing(server.url('/files/empty'))]);
    expect(missing.outcome.status).toBe('failed');
    expect(missing.outcome.error).toContain('404');
    expect(empty.outcome.status).toBe('failed');
    expect(empty.outcome.error).toContain('empty');
    expect(empty.outcome.downloads).toEqual([]);
  });
});

describe('tabs', () => {
  it('switch_tab brings a tab to the front, yet later commands still run on the last tab, as the original', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/tabs'), [openTab(), openTab(), interaction({ switch_tab: { tab_index: 0 } }), whereAmI()]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['where:/report?n=2']);
  });

  it('switch_tab fails on a tab that does not exist, and does nothing while only one tab is open', async () => {
    const [twoTabs, oneTab] = await Promise.all([
      runRecording(browser, recording(server.url('/tabs'), [openTab(), interaction({ switch_tab: { tab_index: 5 } })])),
      runRecording(browser, recording(server.url('/tabs'), [interaction({ switch_tab: { tab_index: 5 } })])),
    ]);
    expect(twoTabs.outcome.status).toBe('failed');
    expect(twoTabs.outcome.error).toContain('switch_tab: there is no tab 5 (2 open)');
    expect(oneTab.outcome.error).toBeNull();
  });

  it('close_current_tab closes the last tab and never the only one', async () => {
    server.requests.length = 0;
    const closeCurrent = () => interaction({ close_current_tab: {} });
    const automation = recording(server.url('/tabs'), [openTab(), openTab(), closeCurrent(), whereAmI(), closeCurrent(), closeCurrent(), whereAmI()]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['where:/report?n=1', 'where:/tabs']);
  });

  it('close_tabs_until closes tabs from the last one until matching_url matches, or until tab_index is the last', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/tabs'), [
      openTab(),
      openTab(),
      openTab(),
      interaction({ close_tabs_until: { matching_url: 'n=1' } }),
      whereAmI(),
      interaction({ close_tabs_until: { tab_index: 0 } }),
      whereAmI(),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['where:/report?n=1', 'where:/tabs']);
  });

  it('close_all_but_last_tab closes nothing: the original never runs it', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/tabs'), [openTab(), openTab(), interaction({ close_all_but_last_tab: {} }), interaction({ close_current_tab: {} }), whereAmI()]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    // The middle tab is still open once the last one is closed.
    expect(events()).toEqual(['where:/report?n=1']);
  });
});

describe('key_press and scroll', () => {
  it('presses digits, Tab and Enter on the focused element', async () => {
    server.requests.length = 0;
    const key = (type: string) => interaction({ key_press: { type } }, { end_sleep_time: 0 });
    const automation = recording(server.url('/keys'), [click('get_by_label("PIN")'), key('4'), key('2'), key('tab'), key('7'), key('enter')], {}, { take_final_screenshot: false });
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(posted('/api/pin')).toEqual([{ pin: '42', confirm: '7', focused: 'confirm' }]);
  });

  it('scrolls down and then up by the recorded amounts', async () => {
    const automation = recording(server.url('/long'), [
      interaction({ scroll: { down: true, amount: 1000 } }),
      interaction({ scroll: { down: false, amount: 400 } }),
      { type: 'action_node', before_sleep_time: 0.3, extraction_action: { locator: { command: 'locator("#y")', output_variable_name: 'y', extraction_format: { y: 'str' } } } },
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData).toEqual([{ unique_identifier: null, json_data: { y: '600' } }]);
  });
});
