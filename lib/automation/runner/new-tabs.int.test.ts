import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { interactionStep } from '../../../test/support/steps.js';
import { createLogger } from '../../log/logger.js';
import { taskPaths } from '../../schemas/wire/task.js';

const TABS_PAGE = `<!doctype html><title>Home</title>
<a href="/tabs/details" target="_blank">Open details</a>
<button onclick="setTimeout(() => window.open('/tabs/confirm'), 800)">Open later</button>`;
const DETAILS_PAGE = `<!doctype html><title>Details</title>
<label>Note <input id="note"></label>
<button onclick="fetch('/api/tab?from=details&note=' + encodeURIComponent(note.value))">Send</button>`;
const CONFIRM_PAGE = `<!doctype html><title>Confirm</title><button onclick="fetch('/api/tab?from=confirm')">Confirm</button>`;

const START_PAGE = `<!doctype html><title>Start</title><a href="/slow-next">Continue</a>`;
const NEXT_PAGE = `<!doctype html><title>Next</title>
<label>Code <input id="code"></label>
<button onclick="fetch('/api/verify?code=' + encodeURIComponent(code.value))">Verify</button>`;

let browser: Browser;
let server: PageServer;
let answeredAt = 0;

const interaction = interactionStep;
const calls = (path: string) => server.requests.filter((r) => r.path === path).map((r) => Object.fromEntries(r.query));

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/tabs': TABS_PAGE, '/tabs/details': DETAILS_PAGE, '/tabs/confirm': CONFIRM_PAGE, '/start': START_PAGE },
    {
      '/api/tab': (_req, res) => sendJson(res, 200, { ok: true }),
      '/api/verify': (_req, res) => sendJson(res, 200, { ok: true }),
      '/slow-next': (_req, res) => {
        setTimeout(() => {
          answeredAt = Date.now();
          res.writeHead(200, { 'content-type': 'text/html' }).end(NEXT_PAGE);
        }, 600);
      },
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('new tabs and navigations', () => {
  it('with expect_new_tab acts on the tab a target=_blank link or a late window.open opened', async () => {
    server.requests.length = 0;
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(line) });
    // One try of 0.5 s on the "Confirm" step: it only finds its button if the step before
    // waited for the tab that opens 0.8 s after the click.
    const once = { max_tries: 1, max_timeout_seconds_per_try: 0.5 };
    const automation = recording(server.url('/tabs'), [
      interaction({ click_element: { command: 'get_by_role("link", name="Open details")' } }, { expect_new_tab: true }),
      interaction({ input_text: { command: 'get_by_label("Note")', input_text: 'from the new tab' } }),
      interaction({ click_element: { command: 'get_by_role("button", name="Send")' } }),
      interaction({ close_current_tab: {} }),
      interaction({ click_element: { command: 'get_by_role("button", name="Open later")' } }, { expect_new_tab: true }),
      interaction({ click_element: { command: 'get_by_role("button", name="Confirm")' } }, {}, once),
    ]);
    const { task, outcome } = await runRecording(browser, automation, {}, logger);
    expect(outcome.error).toBeNull();
    expect(calls('/api/tab')).toEqual([{ from: 'details', note: 'from the new tab' }, { from: 'confirm' }]);
    const logs = taskPaths(task).logsDirectory;
    const urlOf = (step: number) => JSON.parse(readFileSync(join(logs, `step_${step}`, 'state.json'), 'utf8')).url;
    expect(urlOf(1)).toBe(server.url('/tabs/details'));
    expect(urlOf(4)).toBe(server.url('/tabs'));
    expect(urlOf(5)).toBe(server.url('/tabs/confirm'));
    // The step that waited for the late tab lasted until it opened.
    const steps = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'step finished');
    const opened = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'step finished' && entry.step_index === 5);
    expect(steps).toHaveLength(6);
    expect(Date.parse(opened[0]?.time ?? '') - Date.parse(steps[4]?.time ?? '')).toBeGreaterThanOrEqual(600);
  });

  it('finds the next step\'s element on the page a click is still navigating to', async () => {
    server.requests.length = 0;
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(line) });
    const automation = recording(server.url('/start'), [
      interaction({ click_element: { command: 'get_by_role("link", name="Continue")' } }),
      interaction({ input_text: { command: 'get_by_label("Code")', input_text: '4711' } }, {}, { max_tries: 5, max_timeout_seconds_per_try: 0.3 }),
      interaction({ click_element: { command: 'get_by_role("button", name="Verify")' } }),
    ]);
    const { outcome } = await runRecording(browser, automation, {}, logger);
    expect(outcome.error).toBeNull();
    expect(calls('/api/verify')).toEqual([{ code: '4711' }]);
    // The fill step began before the server even answered the navigation: its retries found the field.
    const fillStep = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'step finished' && entry.step_index === 1);
    expect(Date.parse(fillStep.time) - fillStep.duration_ms).toBeLessThan(answeredAt);
  });
});
