import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { interactionStep } from '../../../test/support/steps.js';

/** A form that posts its one field to `api` and shows the answer in #answer. */
const form = (label: string, button: string, api: string) => `<!doctype html>
<label>${label} <input id="field"></label>
<button id="send">${button}</button>
<p id="answer"></p>
<script>
  document.getElementById('send').onclick = async () => {
    const answer = await fetch('${api}', { method: 'POST', body: JSON.stringify({ value: document.getElementById('field').value }) });
    document.getElementById('answer').textContent = (await answer.json()).greeting;
  };
</script>`;

const NESTED_PAGE = `<!doctype html><title>Nested</title><iframe id="outer" src="/nested/outer"></iframe>`;
const OUTER_FRAME = `<!doctype html><p>Outer</p><iframe id="inner" src="/nested/inner"></iframe>`;

const FRAMESET_PAGE = `<!doctype html><html><head><title>Frameset</title></head>
<frameset cols="30%,70%"><frame name="nav" src="/frameset/nav"><frame name="main" src="/frameset/main"></frameset></html>`;

// Two open shadow roots, one inside the other; the label and the input share a root.
const SHADOW_PAGE = `<!doctype html><title>Shadow</title>
<profile-card></profile-card>
<script>
  customElements.define('save-bar', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML = '<button>Save</button>';
      this.shadowRoot.querySelector('button').onclick = () => this.dispatchEvent(new CustomEvent('save', { bubbles: true, composed: true }));
    }
  });
  customElements.define('profile-card', class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<label>Email <input id="email"></label><save-bar></save-bar><p id="status"></p>';
      root.addEventListener('save', () => {
        const email = root.getElementById('email').value;
        // Shown before the request goes out: the next step reads it at once.
        root.getElementById('status').textContent = 'Saved ' + email;
        void fetch('/api/shadow', { method: 'POST', body: JSON.stringify({ email }) });
      });
    }
  });
</script>`;

let browser: Browser;
let server: PageServer;

const tries = { max_tries: 3, max_timeout_seconds_per_try: 0.3 };
const fill = (command: string, text: string) => interactionStep({ input_text: { command, input_text: text } }, { end_sleep_time: 0 }, tries);
const click = (command: string) => interactionStep({ click_element: { command } }, {}, tries);
const networkCall = (pattern: string) => ({ type: 'action_node', before_sleep_time: 0, extraction_action: { unique_identifier: 'call', network_call: { url_pattern: pattern } } });
const textOf = (command: string) => ({
  type: 'action_node',
  before_sleep_time: 0,
  extraction_action: { unique_identifier: 'text', locator: { command, output_variable_name: 'text', extraction_format: { text: 'str' } } },
});
const posted = (path: string) => server.requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body));

beforeAll(async () => {
  browser = await launchTestBrowser();
  const greet = (value: string) => ({ greeting: `Hello ${value}` });
  server = await startPageServer(
    {
      '/nested': NESTED_PAGE,
      '/nested/outer': OUTER_FRAME,
      '/nested/inner': form('Name', 'Go', '/api/nested'),
      '/frameset': FRAMESET_PAGE,
      '/frameset/nav': '<!doctype html><a href="#">Home</a>',
      '/frameset/main': form('Account', 'Send', '/api/frameset'),
      '/shadow': SHADOW_PAGE,
    },
    {
      '/api/nested': (req, res) => sendJson(res, 200, greet(JSON.parse(req.body).value)),
      '/api/frameset': (req, res) => sendJson(res, 200, greet(JSON.parse(req.body).value)),
      '/api/shadow': (_req, res) => sendJson(res, 200, { ok: true }),
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('frames and shadow DOM', () => {
  it('fills and clicks two iframes deep, through frame_locator and through content_frame', async () => {
    const automation = recording(server.url('/nested'), [
      fill('frame_locator("#outer").frame_locator("#inner").get_by_label("Name")', 'Ada'),
      click('locator("#outer").content_frame.locator("#inner").content_frame.get_by_role("button", name="Go")'),
      networkCall('/api/nested'),
      textOf('frame_locator("#outer").frame_locator("#inner").locator("#answer")'),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(posted('/api/nested')).toEqual([{ value: 'Ada' }]);
    expect(outcome.outputData).toEqual([
      { unique_identifier: 'call', json_data: { body: { greeting: 'Hello Ada' } } },
      { unique_identifier: 'text', json_data: { text: 'Hello Ada' } },
    ]);
  });

  it('acts inside a <frame> of a frameset page', async () => {
    const automation = recording(server.url('/frameset'), [
      fill('frame_locator("frame[name=\'main\']").get_by_role("textbox", name="Account")', 'ACME-7'),
      click('locator("frame[name=\\"main\\"]").content_frame.get_by_role("button", name="Send")'),
      networkCall('/api/frameset'),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(posted('/api/frameset')).toEqual([{ value: 'ACME-7' }]);
    expect(outcome.outputData).toEqual([{ unique_identifier: 'call', json_data: { body: { greeting: 'Hello ACME-7' } } }]);
  });

  it('finds elements inside nested open shadow roots with role, label and css locators', async () => {
    const automation = recording(server.url('/shadow'), [
      fill('get_by_label("Email")', 'ada@example.com'),
      click('get_by_role("button", name="Save")'),
      textOf('locator("profile-card #status")'),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(posted('/api/shadow')).toEqual([{ email: 'ada@example.com' }]);
    expect(outcome.outputData).toEqual([{ unique_identifier: 'text', json_data: { text: 'Saved ada@example.com' } }]);
  });
});
