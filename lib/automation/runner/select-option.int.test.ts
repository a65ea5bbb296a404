import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { interactionStep } from '../../../test/support/steps.js';

// Option values are ids a framework generated; only the labels mean anything to a recording.
const SELECT_PAGE = `<!doctype html><title>Branch</title>
<form id="f">
  <label>City <select id="city">
    <option value="">Pick a city</option>
    <option value="opt_2b7d90">Newark</option>
    <option value="opt_8f3a1c">New York</option>
    <option value="opt_c41e55">York</option>
  </select></label>
  <label>Branch <select id="branch">
    <option value="opt_91aa02">Downtown Manhattan Branch</option>
    <option value="opt_77cd13">Brooklyn Heights Branch</option>
  </select></label>
  <button type="submit">Continue</button>
</form>
<script>
  document.getElementById('f').addEventListener('submit', (event) => {
    event.preventDefault();
    fetch('/api/branch', { method: 'POST', body: JSON.stringify({ city: city.value, branch: branch.value }) });
  });
</script>`;

let browser: Browser;
let server: PageServer;

const step = (action: Record<string, unknown>) => interactionStep(action);

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer({ '/select': SELECT_PAGE }, { '/api/branch': (_req, res) => sendJson(res, 200, { ok: true }) });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('select_option on options with generated values', () => {
  it('selects by the recorded visible label, exactly, or by the fuzzy rule when the label is only a prefix', async () => {
    const automation = recording(server.url('/select'), [
      // "New York" must not pick "Newark" or "York", which a loose match would also catch.
      step({ select_option: { command: 'get_by_label("City")', select_values: ['New York'] } }),
      // Neither a value nor a label equals "brooklyn heights": the fuzzy rule (lowercased,
      // spaces removed, prefix) finds "Brooklyn Heights Branch".
      step({ select_option: { command: 'get_by_label("Branch")', select_values: ['brooklyn heights'] } }),
      step({ click_element: { command: 'get_by_role("button", name="Continue")' } }),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(server.requests.filter((r) => r.path === '/api/branch').map((r) => JSON.parse(r.body))).toEqual([{ city: 'opt_8f3a1c', branch: 'opt_77cd13' }]);
  });
});
