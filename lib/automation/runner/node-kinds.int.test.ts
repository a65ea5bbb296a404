import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep, fillStep, interactionStep } from '../../../test/support/steps.js';
import { createLogger } from '../../log/logger.js';

const REPORT = `<script>function report(e) { fetch('/api/event?e=' + encodeURIComponent(e)); }</script>`;
const BUTTON_NAMES = ['a', 'b', 'c', 'skip', 'cleanup', 'inner-yes', 'inner-no', 'outer-no', 'found', 'not-found'];

/** Buttons that report their own name, and an input whose value "Add" reports. */
const BOARD_PAGE = `<!doctype html><title>Board</title>${REPORT}
<input id="q" aria-label="Query"><button onclick="report('add:' + document.getElementById('q').value)">Add</button>
${BUTTON_NAMES.map((name) => `<button onclick="report('${name}')">${name}</button>`).join('\n')}`;

const STATUS_PAGE = `<!doctype html><title>Status</title><p id="banner">Welcome back</p><p id="spinner">Loading…</p>
<script>setTimeout(() => { document.getElementById('spinner').hidden = true; }, 600);</script>`;

/** Rows render in two batches: a locator loop must count the late one too. */
const ROWS_PAGE = `<!doctype html><title>Rows</title>${REPORT}
<table><tbody id="rows"></tbody></table>
<button onclick="report('notes:' + Array.from(document.querySelectorAll('tr.row input'), (input) => input.value).join(','))">Submit</button>
<script>
  function addRow(name) {
    const row = document.createElement('tr');
    row.className = 'row';
    row.innerHTML = '<td class="name">' + name + '</td><td><input aria-label="Note"></td><td><button>Open</button></td>';
    row.querySelector('button').onclick = () => report('open:' + name);
    document.getElementById('rows').append(row);
  }
  addRow('alpha');
  addRow('beta');
  setTimeout(() => addRow('gamma'), 400);
</script>`;

const TALL_PAGE = `<!doctype html><title>Tall</title><body style="margin:0"><div style="height:2500px"></div></body>`;

let browser: Browser;
let server: PageServer;

const events = () => server.requests.filter((r) => r.path === '/api/event').map((r) => r.query.get('e'));
const interaction = (action: Record<string, unknown>) => interactionStep(action);
const click = (command: string) => clickStep(command);
const press = (name: string) => click(`get_by_role("button", name="${name}", exact=True)`);
const fill = (command: string, text: string) => fillStep(command, text, {});
/** Types `text` into the board's input and reports it with "Add". */
const add = (text: string) => [fill('get_by_label("Query")', text), press('Add')];
const action = (container: Record<string, unknown>) => ({ type: 'action_node', end_sleep_time: 0, ...container });
const statusesOf = (outcome: { forLoopStatus: { variable_name: string; index: number; value: unknown; status: string }[][] }) =>
  outcome.forLoopStatus.map((loop) => loop.map((s) => `${s.variable_name}[${s.index}]=${String(s.value)}:${s.status}`));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(base64: string | null): { width: number; height: number } {
  const png = Buffer.from(base64 ?? '', 'base64');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/board': BOARD_PAGE, '/status': STATUS_PAGE, '/rows': ROWS_PAGE, '/tall': TALL_PAGE },
    { '/api/event': (_req, res) => void res.writeHead(204).end() },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('sleep_action and fail_state_action', () => {
  it('sleep_action pauses the run for its sleep_time', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(line) });
    const { outcome } = await runRecording(browser, recording(server.url('/board'), [action({ sleep_action: { sleep_time: 0.6 } })]), {}, logger);
    expect(outcome.error).toBeNull();
    const step = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'step finished');
    // A little below 600: timers may round to the millisecond either way.
    expect(step.duration_ms).toBeGreaterThanOrEqual(580);
    expect(step.duration_ms).toBeLessThan(3_000);
  });

  it('fail_state_action fails the task with its failure_message and runs nothing after it', async () => {
    server.requests.length = 0;
    const failing = (failState: Record<string, unknown>, who: string) =>
      runRecording(browser, recording(server.url('/board'), [press('a'), action({ fail_state_action: failState }), press('b')], { who: ['x'] }), { input_parameters: { who: [who] } });
    const [custom, plain] = await Promise.all([failing({ failure_message: 'No appointment for {who[0]}' }, 'ann'), failing({}, 'bob')]);
    expect(custom.outcome.status).toBe('failed');
    expect(custom.outcome.error).toContain('No appointment for ann');
    expect(plain.outcome.status).toBe('failed');
    expect(plain.outcome.error).toContain('Automation completed at one of the failure states.');
    expect(events()).toEqual(['a', 'a']);
  });
});

describe('assert_locator_node', () => {
  it('stores whether the locator became visible or hidden in time, never failing the task', async () => {
    server.requests.length = 0;
    const assertion = (locator: string, assertion: string, timeout: number, name?: string) => ({ type: 'assert_locator_node', locator, assertion, timeout, ...(name ? { output_variable_name: name } : {}) });
    const automation = recording(server.url('/status'), [
      assertion('locator("#banner")', 'to_be_visible', 1, 'banner_shown'),
      // Hidden only after 600 ms: the assertion waits for it.
      assertion('locator("#spinner")', 'to_be_hidden', 3, 'spinner_gone'),
      assertion('locator("#ghost")', 'to_be_visible', 0.3, 'ghost_shown'),
      assertion('locator("#banner")', 'to_be_hidden', 0.3, 'banner_hidden'),
      // No output_variable_name: loading bakes node5_output (the fifth node) in.
      assertion('get_by_text("Welcome back")', 'to_be_visible', 1),
      action({ misc_action: { set_variable: { name: 'results', expression: '[{banner_shown[0]}, {spinner_gone[0]}, {ghost_shown[0]}, {banner_hidden[0]}, {node5_output[0]}]', output_variable_name: 'results' } } }),
      interaction({ go_to_url: { url: server.url('/board') } }),
      { type: 'if_else_node', condition: '{ghost_shown[0]}', if_nodes: [press('found')], else_nodes: [press('not-found')] },
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData).toEqual([{ unique_identifier: 'results', json_data: { results: [true, true, false, false, true] } }]);
    expect(events()).toEqual(['not-found']);
  });
});

describe('for_loop_node', () => {
  it('loops over every row a locator matches once the count is stable, binding {locator[index]} and {index}', async () => {
    server.requests.length = 0;
    const automation = recording(server.url('/rows'), [
      {
        type: 'for_loop_node',
        locator: 'locator("tr.row")',
        nodes: [fill('{locator[index]}.get_by_label("Note")', 'note-{index}'), click('{locator[index]}.get_by_role("button", name="Open")')],
      },
      press('Submit'),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['open:alpha', 'open:beta', 'open:gamma', 'notes:note-0,note-1,note-2']);
    expect(statusesOf(outcome)).toEqual([
      ['locator("tr.row")[0]=locator("tr.row").nth(0):success', 'locator("tr.row")[1]=locator("tr.row").nth(1):success', 'locator("tr.row")[2]=locator("tr.row").nth(2):success'],
    ]);
  });

  it('runs parallel variables with a named index, stops at max_iterations and runs reset_nodes only between iterations', async () => {
    server.requests.length = 0;
    const automation = recording(
      server.url('/board'),
      [
        {
          type: 'for_loop_node',
          variable_name: 'names, codes',
          index_variable_name: 'i',
          max_iterations: 2,
          nodes: add('{names[i]}/{codes[i]}/{i}/{index_of(names)}'),
          // Back to the start page, as recordings do between rows; bound to the iteration just done.
          reset_nodes: [interaction({ go_to_url: { url: server.url('/board?after={i}') } })],
        },
      ],
      { names: ['x'], codes: ['y'] },
    );
    const { outcome } = await runRecording(browser, automation, { input_parameters: { names: ['ann', 'bob', 'cy'], codes: ['A1', 'B2', 'C3'] } });
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['add:ann/A1/0/0', 'add:bob/B2/1/1']);
    expect(server.requests.filter((r) => r.path === '/board').map((r) => r.query.get('after'))).toEqual([null, '0']);
    expect(statusesOf(outcome)).toEqual([['names, codes[0]=ann:success', 'names, codes[1]=bob:success']]);
  });

  it('skips reset_nodes after an iteration that failed with on_error_in_loop "continue", as the original', async () => {
    server.requests.length = 0;
    const automation = recording(
      server.url('/board'),
      [{ type: 'for_loop_node', variable_name: 'items', on_error_in_loop: 'continue', nodes: [press('{items[index]}')], reset_nodes: add('reset-{index}') }],
      { items: ['x'] },
    );
    const { outcome } = await runRecording(browser, automation, { input_parameters: { items: ['a', 'missing', 'c'] } });
    expect(outcome.status).toBe('success');
    expect(events()).toEqual(['a', 'add:reset-0', 'c']);
    expect(outcome.forLoopStatus[0]?.map((s) => s.status)).toEqual(['success', 'error', 'success']);
  });

  it('nests loops and if_else nodes: each loop run reports its own for_loop_status', async () => {
    server.requests.length = 0;
    const automation = recording(
      server.url('/board'),
      [
        {
          type: 'for_loop_node',
          variable_name: 'groups',
          index_variable_name: 'g',
          nodes: [
            {
              type: 'for_loop_node',
              variable_name: 'items',
              index_variable_name: 'i',
              nodes: [{ type: 'if_else_node', condition: "{items[i]} != 'skip'", if_nodes: add('{groups[g]}-{items[i]}'), else_nodes: [press('skip')] }],
            },
          ],
        },
        {
          type: 'if_else_node',
          condition: "{mode[0]} == 'full'",
          if_nodes: [{ type: 'if_else_node', condition: '{level[0]} > 1', if_nodes: [press('inner-yes')], else_nodes: [press('inner-no')] }],
          else_nodes: [press('outer-no')],
        },
      ],
      { groups: ['x'], items: ['x'], mode: ['x'], level: [0] },
    );
    const inputs = { groups: ['g1', 'g2'], items: ['x', 'skip'], mode: ['full'], level: [2] };
    const { outcome } = await runRecording(browser, automation, { input_parameters: inputs });
    expect(outcome.error).toBeNull();
    expect(events()).toEqual(['add:g1-x', 'skip', 'add:g2-x', 'skip', 'inner-yes']);
    // The outer loop's list comes first (it is opened first), then one list per inner run.
    expect(statusesOf(outcome)).toEqual([
      ['groups[0]=g1:success', 'groups[1]=g2:success'],
      ['items[0]=x:success', 'items[1]=skip:success'],
      ['items[0]=x:success', 'items[1]=skip:success'],
    ]);
  });
});

describe('automation level', () => {
  it('runs post_processing_nodes after a failure as after a success', async () => {
    server.requests.length = 0;
    const run = (nodes: unknown[]) => runRecording(browser, recording(server.url('/board'), nodes, {}, { post_processing_nodes: [press('cleanup')] }));
    const failed = await run([press('a'), action({ fail_state_action: { failure_message: 'stopped early' } })]);
    expect(failed.outcome.status).toBe('failed');
    expect(failed.outcome.error).toContain('stopped early');
    const succeeded = await run([press('b')]);
    expect(succeeded.outcome.error).toBeNull();
    expect(events()).toEqual(['a', 'cleanup', 'b', 'cleanup']);
  });

  it('takes a full-page final screenshot unless take_final_screenshot is false', async () => {
    const run = (take: boolean) => runRecording(browser, recording(server.url('/tall'), [], {}, { take_final_screenshot: take }));
    const [taken, skipped] = await Promise.all([run(true), run(false)]);
    expect(pngSize(taken.outcome.finalScreenshot)).toEqual({ width: 1920, height: 2500 });
    expect(skipped.outcome.error).toBeNull();
    expect(skipped.outcome.finalScreenshot).toBeNull();
  });
});
