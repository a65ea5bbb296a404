import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording } from '../../../test/support/run-recording.js';
import { clickStep, fillStep } from '../../../test/support/steps.js';
import { makeTask } from '../../../test/support/task-fixture.js';
import { createLogger, silentLogger, type Logger } from '../../log/logger.js';
import { taskPaths } from '../../schemas/wire/task.js';
import { acceptTask } from '../../worker/accept-task.js';
import { runAutomation } from './run-automation.js';
import { PrivateNodeRegistry } from '../private-nodes/private-node-registry.js';
import { BASE_CAPABILITIES } from '../worker-capabilities.js';
import { DEFAULT_RUN_SERVICES } from './run-services.js';
import { STEPS_FILE, TRACE_FILE, type StepSummary, type StepsFile } from './step-summary.js';

const PAGE = `<!doctype html><title>Counter</title>
<input id="q" aria-label="Query">
<button onclick="fetch('/api/press?name=' + encodeURIComponent(q.value))">Add</button>
<button onclick="document.title = 'Renamed'">Rename</button>
<a href="/next">Next</a>`;

let browser: Browser;
let server: PageServer;

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer({ '/page': PAGE, '/next': '<!doctype html><title>Next page</title><p>Here' }, { '/api/press': (_req, res) => sendJson(res, 200, { ok: true }) });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs `nodes` on the page, collecting what onStep is told. */
const privateNodes = new PrivateNodeRegistry().register({ name: 'page_title', run: async (_inputs, context) => context.page.title() });

async function run(nodes: unknown[], options: { trace?: boolean; signal?: AbortSignal; logger?: Logger } = {}) {
  const automation = recording(server.url('/page'), nodes, {}, { take_final_screenshot: false });
  const accepted = await acceptTask(makeTask({ automation, input_parameters: {} }), { ...BASE_CAPABILITIES, privateNodes });
  const told: StepSummary[] = [];
  const started = Date.now();
  const outcome = await runAutomation({
    task: accepted.task,
    automation: accepted.automation,
    browser,
    logger: options.logger ?? silentLogger,
    downloadTimeoutSeconds: 5,
    signal: options.signal,
    services: { ...DEFAULT_RUN_SERVICES, privateNodes, trace: options.trace ?? true },
    onStep: (step) => told.push(step),
  });
  const logs = taskPaths(accepted.task).logsDirectory;
  const stepsFile = join(logs, STEPS_FILE);
  const steps = existsSync(stepsFile) ? (JSON.parse(readFileSync(stepsFile, 'utf8')) as StepsFile).steps : null;
  return { outcome, told, steps, logs, trace: join(logs, TRACE_FILE), ms: Date.now() - started };
}

describe('the step list and the trace of a run', () => {
  let traceOfSuccess = '';

  it('gives each step the title of the page as it began, whatever its action does to it', async () => {
    const { outcome, steps } = await run(
      [clickStep('get_by_role("button", name="Rename")'), clickStep('get_by_role("link", name="Next")'), clickStep('get_by_text("Here")')],
      { trace: false },
    );
    expect(outcome.status).toBe('success');
    expect(steps?.map((step) => [step.title, new URL(step.url).pathname])).toEqual([
      ['Counter', '/page'],
      ['Renamed', '/page'],
      ['Next page', '/next'],
    ]);
  });

  it('lists each step in steps.json, tells onStep of each, and writes trace.zip', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }).child({ task_id: 'task-1' });
    const { outcome, told, steps, logs, trace } = await run(
      [fillStep('get_by_label("Query")', 'apples'), clickStep('get_by_role("button", name="Add")'), clickStep('locator("#missing")', { skip_prompt: true })],
      { logger },
    );
    expect(outcome.status).toBe('success');
    expect(steps).toEqual(told);
    expect(steps).toHaveLength(3);
    expect(steps?.[0]).toMatchObject({
      step_index: 0,
      node_path: 'nodes[0]',
      action: 'interaction_action.input_text',
      locator: 'get_by_label("Query")',
      outcome: 'success',
      error: null,
      url: server.url('/page'),
      title: 'Counter',
      screenshot: 'step_0/screenshot.png',
      asked_llm: false,
    });
    expect(steps?.[1]).toMatchObject({ step_index: 1, node_path: 'nodes[1]', action: 'interaction_action.click_element', locator: 'get_by_role("button", name="Add")', outcome: 'success' });
    expect(steps?.[2]).toMatchObject({ step_index: 2, node_path: 'nodes[2]', outcome: 'skipped' });
    for (const step of steps ?? []) {
      expect(step.duration_ms).toBe(Date.parse(step.completed_at) - Date.parse(step.started_at));
      if (step.screenshot) expect(existsSync(join(logs, step.screenshot))).toBe(true);
    }
    expect(statSync(trace).size).toBeGreaterThan(1000);
    traceOfSuccess = trace;
    const finished = lines.filter((line) => line.msg === 'step finished');
    expect(finished.map(({ task_id, step_index, node_path, action, outcome }) => ({ task_id, step_index, node_path, action, outcome }))).toEqual([
      { task_id: 'task-1', step_index: 0, node_path: 'nodes[0]', action: 'interaction_action.input_text', outcome: 'success' },
      { task_id: 'task-1', step_index: 1, node_path: 'nodes[1]', action: 'interaction_action.click_element', outcome: 'success' },
      { task_id: 'task-1', step_index: 2, node_path: 'nodes[2]', action: 'interaction_action.click_element', outcome: 'skipped' },
    ]);
    for (const line of finished) expect(typeof line.duration_ms).toBe('number');
    expect(lines.every((line) => line.task_id === 'task-1')).toBe(true);
  });

  it('keeps the steps up to the failed one, with its error, and still writes the trace', async () => {
    const { outcome, told, steps, trace } = await run([
      clickStep('get_by_role("button", name="Add")'),
      clickStep('locator("#missing")', { assert_locator_presence: true }),
      clickStep('get_by_role("button", name="Add")'),
    ]);
    expect(outcome.status).toBe('failed');
    expect(told).toHaveLength(2);
    expect(steps).toEqual(told);
    expect(steps?.[1]).toMatchObject({ step_index: 1, node_path: 'nodes[1]', outcome: 'failed', locator: 'locator("#missing")' });
    expect(steps?.[1]?.error).toContain('#missing');
    expect(existsSync(trace)).toBe(true);
  });

  it('lists a private node as a step of its own', async () => {
    const { outcome, steps } = await run([{ type: 'private_node', handler: 'page_title', output_variable_names: ['title'] }, clickStep('get_by_role("button", name="Add")')]);
    expect(outcome.status).toBe('success');
    expect(steps?.[0]).toMatchObject({ step_index: 0, node_path: 'nodes[0]', action: 'private_node.page_title', locator: null, outcome: 'success', title: 'Counter', screenshot: null });
    expect(steps?.[1]).toMatchObject({ step_index: 1, node_path: 'nodes[1]' });
  });

  it('writes no trace when tracing is off', async () => {
    const { outcome, steps, trace } = await run([clickStep('get_by_role("button", name="Add")')], { trace: false });
    expect(outcome.status).toBe('success');
    expect(steps).toHaveLength(1);
    expect(existsSync(trace)).toBe(false);
  });

  it('ends a stopped run at once, with the steps so far', async () => {
    const controller = new AbortController();
    const stopping = setTimeout(() => controller.abort(new Error('The task was killed')), 1500);
    const { outcome, steps, trace, ms } = await run(
      [clickStep('get_by_role("button", name="Add")'), { type: 'action_node', sleep_action: { sleep_time: 30 } }, clickStep('get_by_role("button", name="Add")')],
      { signal: controller.signal },
    );
    clearTimeout(stopping);
    expect(outcome).toMatchObject({ status: 'failed', error: 'The task was killed' });
    expect(ms).toBeLessThan(10_000);
    expect(steps?.map((step) => step.step_index)).toEqual([0, 1]);
    // Whether the trace was saved depends on whether the stop closed the context first.
    if (existsSync(trace)) expect(statSync(trace).size).toBeGreaterThan(0);
  });

  it("opens in Playwright's trace viewer, which lists the steps and their actions", { timeout: 60_000 }, async () => {
    expect(traceOfSuccess).not.toBe('');
    const viewer = spawn(process.execPath, ['node_modules/playwright-core/cli.js', 'show-trace', '--host', '127.0.0.1', '--port', '0', traceOfSuccess], {
      cwd: new URL('../../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const page = await browser.newPage();
    try {
      const url = await printedUrl(viewer);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(url);
      const actions = page.locator('.action-list, [aria-label="Actions"], .tree-view').first();
      await expect.poll(() => actions.innerText().catch(() => ''), { timeout: 20_000 }).toContain('step 1 · interaction_action.click_element · nodes[1]');
      expect(await actions.innerText()).toContain('step 0 · interaction_action.input_text · nodes[0]');
      // Each step is a collapsed group: open the click's to see the Playwright calls in it.
      await page.getByText('step 1 · interaction_action.click_element · nodes[1]', { exact: true }).click();
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => actions.innerText(), { timeout: 10_000 }).toMatch(/Click[\s\S]*getByRole\('button', \{ name: 'Add' \}\)/);
      expect(await page.locator('body').innerText()).not.toMatch(/could not load|failed to load/i);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      viewer.kill();
    }
  });
});

/** show-trace prints the address it serves on once it listens. */
function printedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`show-trace printed no URL: ${out}`)), 20_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /https?:\/\/127\.0\.0\.1:\d+\S*/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`show-trace exited with ${code}: ${out}`));
    });
  });
}
