import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep } from '../../../test/support/steps.js';
import { createLogger } from '../../log/logger.js';
import { taskPaths } from '../../schemas/wire/task.js';

const FORM_PAGE = `<!doctype html><title>Sign in</title>
<form id="f">
  <label>Username <input id="username"></label>
  <label>Password <input id="password" type="password" placeholder="Your password"></label>
  <label>State <select id="state"><option value="">Choose one</option><option value="GA">Georgia</option><option value="NY">New York</option></select></label>
  <label><input type="checkbox" id="terms"> I agree to the terms</label>
  <button type="submit">Sign In</button>
</form>
<p id="result"></p>
<script>
  let keys = 0;
  document.querySelector('#password').addEventListener('keydown', () => keys++);
  document.querySelector('#f').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { username: username.value, password: password.value, state: state.value, terms: terms.checked, keys };
    const answer = await fetch('/api/submit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    result.textContent = (await answer.json()).message;
  });
</script>`;

const BUTTONS_PAGE = `<!doctype html><title>Buttons</title>
<input id="q" aria-label="Query">
<button onclick="fetch('/api/press?name=a')">a</button>
<button onclick="fetch('/api/press?name=c')">c</button>
<button onclick="fetch('/api/press?name=fast')">fast</button>
<button onclick="fetch('/api/press?name=slow')">slow</button>
<button onclick="fetch('/api/press?name=' + encodeURIComponent(q.value))">Add</button>
<a href="/slow">Slow page</a>
<script>setTimeout(() => { const b = document.createElement('button'); b.textContent = 'Late'; b.onclick = () => fetch('/api/press?name=late'); document.body.append(b); }, 700);</script>`;

const LONG_PAGE = `<!doctype html><title>Long</title><a href="/buttons">Buttons</a><div style="height:5000px"></div>
<button style="position:fixed;top:0;right:0" onclick="fetch('/api/press?name=scroll-' + Math.round(scrollY))">Report</button>`;

const DOWNLOAD_PAGE = `<!doctype html><title>Files</title><a href="/files/report.csv">Download report</a>`;

let browser: Browser;
let server: PageServer;

const pressed = () => server.requests.filter((r) => r.path === '/api/press').map((r) => r.query.get('name'));
const click = clickStep;

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/form': FORM_PAGE, '/buttons': BUTTONS_PAGE, '/long': LONG_PAGE, '/files': DOWNLOAD_PAGE },
    {
      '/api/submit': (req, res) => sendJson(res, 200, { message: `Welcome ${JSON.parse(req.body).username}`, plan: 'gold' }),
      '/api/press': (_req, res) => sendJson(res, 200, { ok: true }),
      '/files/report.csv': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="report.csv"' }).end('id,total\n7,42\n');
      },
      '/slow': (_req, res) => {
        setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Slow</title>'), 5000);
      },
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('runAutomation on real pages', () => {
  it('fills, types, selects by label, checks, clicks and captures the response of the call it made', async () => {
    const automation = recording(
      server.url('/form'),
      [
        { type: 'action_node', end_sleep_time: 0, interaction_action: { input_text: { command: 'get_by_label("Username")', input_text: '{username[0]}' } } },
        { type: 'action_node', end_sleep_time: 0, interaction_action: { input_text: { command: 'get_by_placeholder("Your password")', input_text: '{password[0]}', fill_or_type: 'type' } } },
        { type: 'action_node', end_sleep_time: 0, interaction_action: { select_option: { command: 'get_by_label("State")', select_values: ['New York'] } } },
        { type: 'action_node', end_sleep_time: 0, interaction_action: { check: { command: 'get_by_label("I agree to the terms")' } } },
        { type: 'action_node', end_sleep_time: 0.5, interaction_action: { click_element: { command: 'get_by_role("button", name="Sign In")' } } },
        { type: 'action_node', before_sleep_time: 0, extraction_action: { unique_identifier: 'account', network_call: { url_pattern: '/api/submit' } } },
        { type: 'action_node', before_sleep_time: 0, extraction_action: { screenshot: { filename: 'signed-in', full_page: false } } },
      ],
      { username: ['alice'], password: ['s3cret'] },
    );
    const { task, outcome } = await runRecording(browser, automation, { input_parameters: { username: ['alice'], password: ['s3cret'] } });

    expect(outcome.error).toBeNull();
    expect(outcome.status).toBe('success');
    const submitted = JSON.parse(server.requests.find((r) => r.path === '/api/submit')?.body ?? '{}');
    expect(submitted).toEqual({ username: 'alice', password: 's3cret', state: 'NY', terms: true, keys: 6 });
    expect(outcome.outputData[0]).toEqual({ unique_identifier: 'account', json_data: { body: { message: 'Welcome alice', plan: 'gold' } } });
    expect(outcome.outputData[1]?.screenshot?.filename).toBe('signed-in');
    expect(Buffer.from(outcome.outputData[1]?.screenshot?.base64 ?? '', 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(outcome.finalScreenshot?.startsWith('iVBORw0KGgo')).toBe(true);

    const logs = taskPaths(task).logsDirectory;
    // Seven steps and the final logging step, each with its state and screenshot.
    expect(readdirSync(logs).sort()).toEqual(['step_0', 'step_1', 'step_2', 'step_3', 'step_4', 'step_5', 'step_6', 'step_7', 'steps.json', 'trace.zip']);
    const state = JSON.parse(readFileSync(join(logs, 'step_4', 'state.json'), 'utf8'));
    expect(state).toMatchObject({ step_index: 4, title: 'Sign in', url: server.url('/form') });
    expect(existsSync(join(logs, 'step_4', 'screenshot.png'))).toBe(true);
    expect(existsSync(join(logs, 'step_6', 'screenshot_signed-in.png'))).toBe(true);
    // The step file holds the recorded template, never the substituted value.
    expect(readFileSync(join(logs, 'step_1', 'action_node.json'), 'utf8')).toContain('{password[0]}');
    expect(readFileSync(join(logs, 'step_1', 'action_node.json'), 'utf8')).not.toContain('s3cret');
  });

  it('navigates with go_to_url and go_back, and scrolls by an amount', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/long'), [
      { type: 'action_node', end_sleep_time: 1, interaction_action: { go_to_url: { url: server.url('/buttons') } } },
      { type: 'action_node', end_sleep_time: 1, interaction_action: { go_back: {} } },
      { type: 'action_node', end_sleep_time: 0, interaction_action: { scroll: { down: true, amount: 600 } } },
      { type: 'action_node', before_sleep_time: 0.3, end_sleep_time: 0.3, interaction_action: { click_element: { command: 'get_by_role("button", name="Report")' } } },
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(server.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/long', '/buttons']));
    expect(pressed()).toEqual(['scroll-600']);
  });

  it('runs a variable loop with {items[index]} substitution, and follows on_error_in_loop', async () => {
    server.requests.length = 0;
    const loop = (onError: string) =>
      recording(server.url('/buttons'), [{ type: 'for_loop_node', variable_name: 'items', on_error_in_loop: onError, nodes: [click('get_by_role("button", name="{items[index]}", exact=True)')] }], { items: ['x'] });
    const inputs = { input_parameters: { items: ['a', 'b', 'c'] } };

    const continued = await runRecording(browser, loop('continue'), inputs);
    expect(continued.outcome.status).toBe('success');
    expect(continued.outcome.forLoopStatus[0]?.map((s) => [s.value, s.status])).toEqual([['a', 'success'], ['b', 'error'], ['c', 'success']]);
    expect(pressed()).toEqual(['a', 'c']);

    const broken = await runRecording(browser, loop('break'), inputs);
    expect(broken.outcome.forLoopStatus[0]?.map((s) => s.status)).toEqual(['success', 'error', 'skipped']);

    const raised = await runRecording(browser, loop('raise'), inputs);
    expect(raised.outcome.status).toBe('failed');
    expect(raised.outcome.error).toContain('get_by_role("button", name="{items[index]}", exact=True)'.replace('{items[index]}', '{items[1]}'));
  });

  it('takes the branch its condition chooses, with Python semantics', async () => {
    server.requests.length = 0;
    const branch = recording(
      server.url('/buttons'),
      [{ type: 'if_else_node', condition: "{mode[0]} == 'fast' and not {skip[0]}", if_nodes: [click('get_by_text("fast", exact=True)')], else_nodes: [click('get_by_text("slow", exact=True)')] }],
      { mode: ['x'], skip: [false] },
    );
    await runRecording(browser, branch, { input_parameters: { mode: ['fast'], skip: [false] } });
    await runRecording(browser, branch, { input_parameters: { mode: ['fast'], skip: [true] } });
    await runRecording(browser, branch, { input_parameters: { mode: ['slow'], skip: [false] } });
    expect(pressed()).toEqual(['fast', 'slow', 'slow']);
  });

  it('retries until a late element appears, and names the command when it never does', async () => {
    server.requests.length = 0;
    const late = recording(server.url('/buttons'), [
      { type: 'action_node', end_sleep_time: 0.3, interaction_action: { max_tries: 5, max_timeout_seconds_per_try: 0.4, click_element: { command: 'get_by_role("button", name="Late")' } } },
    ]);
    expect((await runRecording(browser, late)).outcome.status).toBe('success');
    expect(pressed()).toEqual(['late']);

    const missing = recording(server.url('/buttons'), [click('get_by_role("button", name="Missing")')]);
    const failed = await runRecording(browser, missing);
    expect(failed.outcome.status).toBe('failed');
    expect(failed.outcome.error).toMatch(/^nodes\[0\] \(click_element: get_by_role\("button", name="Missing"\) failed after 2 tries .*\) needs an LLM, and none is configured: set LLM_MODEL_API_KEY/);

    const optional = recording(server.url('/buttons'), [click('get_by_role("button", name="Missing")', { skip_prompt: true }), click('get_by_text("a", exact=True)')]);
    expect((await runRecording(browser, optional)).outcome.status).toBe('success');
    expect(pressed()).toEqual(['late', 'a']);
  });

  it('saves an expected download under the recorded name, keeping the file extension', async () => {
    const automation = recording(server.url('/files'), [click('get_by_role("link", name="Download report")', { expect_download: true, download_filename: 'report-{id[0]}' })], { id: ['0'] });
    const { task, outcome } = await runRecording(browser, automation, { input_parameters: { id: ['7'] } });
    expect(outcome.error).toBeNull();
    expect(outcome.downloads).toEqual(['report-7.csv']);
    expect(readFileSync(join(taskPaths(task).downloadsDirectory, 'report-7.csv'), 'utf8')).toBe('id,total\n7,42\n');
  });

  it('runs old-format nodes without "type" as the original migrates them', async () => {
    server.requests.length = 0;
    const automation = {
      url: server.url('/buttons'),
      parameters: { input_parameters: { names: ['a', 'c'] }, generated_parameters: {} },
      nodes: [
        { variable_name: 'names', nodes: [{ end_sleep_time: 0.2, interaction_action: { click_element: { command: 'get_by_role("button", name="{names[index]}", exact=True)', prompt_instructions: 'x' } } }] },
        { condition: "names[1] == 'c'", if_nodes: [{ end_sleep_time: 0.2, interaction_action: { click_element: { command: 'get_by_text("fast", exact=True)', prompt_instructions: 'x' } } }] },
      ],
    };
    const { outcome } = await runRecording(browser, automation, { input_parameters: { names: ['a', 'c'] } });
    expect(outcome.error).toBeNull();
    expect(pressed()).toEqual(['a', 'c', 'fast']);
  });

  it('treats end_sleep_time as an upper bound on waiting for the page to load', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(line) });
    const slow = recording(server.url('/buttons'), [click('get_by_role("link", name="Slow page")', {}, { end_sleep_time: 1 })], {}, { take_final_screenshot: false });
    const { outcome } = await runRecording(browser, slow, {}, logger);
    expect(outcome.status).toBe('success');
    // The next page answers after 5 s; the step stops waiting for it after about 1 s.
    const step = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'step finished');
    expect(step.duration_ms).toBeLessThan(2_500);

    const quick = recording(server.url('/buttons'), [click('get_by_text("a", exact=True)', {}, { end_sleep_time: 10 })]);
    const quickStart = Date.now();
    await runRecording(browser, quick);
    // A 10 s end_sleep_time on a page that is already loaded ends at once.
    expect(Date.now() - quickStart).toBeLessThan(8_000);
  });
});
