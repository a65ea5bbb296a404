import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchTestBrowser } from '../../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../../test/support/page-server.js';
import { recording, runRecording } from '../../../../test/support/run-recording.js';
import { startFakeLlmServer } from '../../../../test/support/fake-llm-server.js';
import { interactionStep } from '../../../../test/support/steps.js';
import { createLlmClient, llmSettingsWithoutModel } from '../../../llm/create-llm-client.js';
import { DEFAULT_RUN_SERVICES } from '../run-services.js';

/**
 * The first try of an element action waits for the element to be visible, as the original's
 * waitFor: an action whose own checks wait for that (fill, select, check, uncheck, hover) is
 * started at once; typing, uploading and clicks wait first. Either way a try on an
 * element that never shows fails with the original's 'locator not visible'.
 */
const PAGE = `<!doctype html><title>Late</title>
<button id="late" hidden onclick="fetch('/api/event?e=late-click')">Late</button>
<input id="late-input" hidden oninput="fetch('/api/event?e=late-input-' + this.value)">
<button id="hidden" hidden>Hidden</button>
<input id="hidden-input" hidden>
<input type="checkbox" id="hidden-box" hidden>
<select id="late-select" hidden onchange="fetch('/api/event?e=late-select-' + this.value)"><option value="a">A</option><option value="b">B</option></select>
<select id="hidden-select" hidden><option value="a">A</option><option value="b">B</option><option value="c">C</option></select>
<button id="disabled" disabled>Disabled</button>
<script>
  setTimeout(() => { for (const id of ['late', 'late-input', 'late-select']) document.getElementById(id).hidden = false; }, 400);
</script>`;

/** Each try waits at most 2 s; a second try would pause those 2 s first. */
const SLOW_TRIES = { max_tries: 2, max_timeout_seconds_per_try: 2 };
/** Misses fail fast. */
const FAST_TRIES = { max_tries: 2, max_timeout_seconds_per_try: 0.3 };

describe('the first try of an element action waits for a visible element', () => {
  let browser: Browser;
  let server: PageServer;
  beforeAll(async () => {
    browser = await launchTestBrowser();
    server = await startPageServer({ '/late': PAGE }, { '/api/event': (_req, res) => void res.writeHead(204).end() });
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
  });

  const events = () => server.requests.filter((r) => r.path === '/api/event').map((r) => r.query.get('e'));
  const run = (action: Record<string, unknown>, tries: Record<string, unknown>) =>
    runRecording(browser, recording(server.url('/late'), [interactionStep(action, { end_sleep_time: 0 }, tries)], {}, { take_final_screenshot: false }));

  it.each([
    ['click', { click_element: { command: 'locator("#late")' } }, 'late-click'],
    ['fill', { input_text: { command: 'locator("#late-input")', input_text: 'x' } }, 'late-input-x'],
    ['type', { input_text: { command: 'locator("#late-input")', input_text: 'y', fill_or_type: 'type' } }, 'late-input-y'],
    ['select', { select_option: { command: 'locator("#late-select")', select_values: ['B'] } }, 'late-select-b'],
  ])('%s on an element that shows after 0.4 s acts on the first try, with no pause between tries', async (_name, action, event) => {
    const started = Date.now();
    const { outcome } = await run(action, SLOW_TRIES);
    expect(outcome.status).toBe('success');
    expect(events()).toContain(event);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ['click', { click_element: { command: 'locator("#hidden")', assert_locator_presence: true } }],
    ['forced click', { click_element: { command: 'locator("#hidden")', force: true, assert_locator_presence: true } }],
    ['fill', { input_text: { command: 'locator("#hidden-input")', input_text: 'x', assert_locator_presence: true } }],
    ['type', { input_text: { command: 'locator("#hidden-input")', input_text: 'x', fill_or_type: 'type', assert_locator_presence: true } }],
    ['check', { check: { command: 'locator("#hidden-box")', assert_locator_presence: true } }],
    ['select', { select_option: { command: 'locator("#hidden-select")', select_values: ['a'], assert_locator_presence: true } }],
    ['hover', { hover: { command: 'locator("#hidden")', assert_locator_presence: true } }],
  ])('%s on an element that never shows fails each try with "locator not visible"', async (_name, action) => {
    const { outcome } = await run(action, FAST_TRIES);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('failed after 2 tries (error: locator not visible)');
  });

  describe('a separate wait is asked of the page only where the action does not wait itself', () => {
    afterEach(() => vi.restoreAllMocks());

    it.each([
      ['click', 1, { click_element: { command: 'locator("#late")' } }],
      ['fill', 0, { input_text: { command: 'locator("#late-input")', input_text: 'x' } }],
      ['select', 0, { select_option: { command: 'locator("#late-select")', select_values: ['a'] } }],
      ['type', 1, { input_text: { command: 'locator("#late-input")', input_text: 'y', fill_or_type: 'type' } }],
      ['forced click', 1, { click_element: { command: 'locator("#late")', force: true } }],
    ])('%s: %i separate wait', async (_name, waits, action) => {
      const page = await browser.newPage();
      const locatorPrototype = Object.getPrototypeOf(page.locator('body')) as { waitFor: (...args: unknown[]) => Promise<void> };
      await page.close();
      const waitFor = vi.spyOn(locatorPrototype, 'waitFor');
      const { outcome } = await run(action, SLOW_TRIES);
      expect(outcome.status).toBe('success');
      expect(waitFor).toHaveBeenCalledTimes(waits);
    });
  });

  it('a select whose value no option has asks no model while the select is not shown: the try fails first', async () => {
    const llm = await startFakeLlmServer();
    try {
      const services = { ...DEFAULT_RUN_SERVICES, llm: createLlmClient({ ...llmSettingsWithoutModel(), LLM_MODEL: 'openai/test-model', LLM_MODEL_API_KEY: 'sk-test', LLM_MODEL_BASE_URL: llm.baseUrl, LLM_MAX_RETRIES: 0 }) };
      const select = { select_option: { command: 'locator("#hidden-select")', select_values: ['zzz'], assert_locator_presence: true } };
      const { outcome } = await runRecording(browser, recording(server.url('/late'), [interactionStep(select, { end_sleep_time: 0 }, FAST_TRIES)], {}, { take_final_screenshot: false }), {}, undefined, { services });
      expect(outcome.error).toContain('failed after 2 tries (error: locator not visible)');
      expect(llm.requests).toEqual([]);
    } finally {
      await llm.close();
    }
  });

  it('a click on a visible element that never becomes enabled fails with the action\'s own timeout, not as invisible', async () => {
    const { outcome } = await run({ click_element: { command: 'locator("#disabled")', assert_locator_presence: true } }, FAST_TRIES);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/failed after 2 tries \(error: .*Timeout 300ms exceeded/);
  });
});
