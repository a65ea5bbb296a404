import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep } from '../../../test/support/steps.js';
import { taskPaths } from '../../schemas/wire/task.js';

const DIALOG_PAGE = `<!doctype html><title>Dialogs</title>
<button id="run">Run checks</button>
<button onclick="alert('All done')">Finish</button>
<p id="result"></p>
<script>
  window.addEventListener('load', () => alert('Welcome back'));
  document.getElementById('run').onclick = () => {
    alert('Saved 3 records');
    const sure = confirm('Delete the draft?');
    const name = prompt('Your name?', 'Ada Lovelace');
    document.getElementById('result').textContent = 'confirmed=' + sure + ' name=' + name;
    fetch('/api/dialogs?confirmed=' + sure + '&name=' + encodeURIComponent(name));
  };
</script>`;

let browser: Browser;
let server: PageServer;

const click = (name: string) => clickStep(`get_by_role("button", name="${name}")`);

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer({ '/dialogs': DIALOG_PAGE }, { '/api/dialogs': (_req, res) => sendJson(res, 200, { ok: true }) });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('JavaScript dialogs', () => {
  it('accepts alert, confirm and prompt (with its default value) and keeps each in its step folder', async () => {
    const automation = recording(server.url('/dialogs'), [
      click('Run checks'),
      { type: 'action_node', before_sleep_time: 0, extraction_action: { locator: { command: 'locator("#result")', output_variable_name: 'result', extraction_format: { result: 'str' } } } },
      click('Finish'),
    ]);
    const { task, outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();

    // The page saw confirm() answer true and prompt() answer its default value.
    expect(server.requests.filter((r) => r.path === '/api/dialogs').map((r) => Object.fromEntries(r.query))).toEqual([{ confirmed: 'true', name: 'Ada Lovelace' }]);
    expect(outcome.outputData).toContainEqual({ unique_identifier: null, json_data: { result: 'confirmed=true name=Ada Lovelace' } });

    const logs = taskPaths(task).logsDirectory;
    const dialogsOf = (step: number) => JSON.parse(readFileSync(join(logs, `step_${step}`, 'dialogs.json'), 'utf8'));
    const url = server.url('/dialogs');
    // The alert of the page load came before the first step: it goes with step 0, as step -1.
    expect(dialogsOf(0)).toEqual([
      { step_index: -1, type: 'alert', message: 'Welcome back', default_value: null, accepted: true, prompt_text: null, page_url: url, opened_at: expect.any(String) },
      { step_index: 0, type: 'alert', message: 'Saved 3 records', default_value: null, accepted: true, prompt_text: null, page_url: url, opened_at: expect.any(String) },
      { step_index: 0, type: 'confirm', message: 'Delete the draft?', default_value: null, accepted: true, prompt_text: null, page_url: url, opened_at: expect.any(String) },
      { step_index: 0, type: 'prompt', message: 'Your name?', default_value: 'Ada Lovelace', accepted: true, prompt_text: 'Ada Lovelace', page_url: url, opened_at: expect.any(String) },
    ]);
    expect(existsSync(join(logs, 'step_1', 'dialogs.json'))).toBe(false);
    expect(dialogsOf(2)).toEqual([expect.objectContaining({ step_index: 2, type: 'alert', message: 'All done' })]);
  });
});
