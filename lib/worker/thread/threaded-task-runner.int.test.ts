import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesFromSettings } from '../../automation/worker-capabilities.js';
import { loadSettings, type Settings } from '../../config/settings.js';
import { createLogger, silentLogger, type Logger } from '../../log/logger.js';
import type { Automation } from '../../schemas/automation/automation.js';
import { taskPaths } from '../../schemas/wire/task.js';
import { watchEventLoop } from '../../../test/support/event-loop-watch.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { launchedBrowserPids } from '../../../test/support/processes.js';
import { recording } from '../../../test/support/run-recording.js';
import { makeTask, tempDir } from '../../../test/support/task-fixture.js';
import { acceptTask } from '../accept-task.js';
import { createBrowserTaskRunner } from '../browser-task-runner.js';
import { createHumanInLoopGate } from '../human-in-loop-gate.js';
import { runServicesFromSettings } from '../run-services-from-settings.js';
import { timedOut, TaskStoppedError, type AcceptedTask, type TaskRunner } from '../task-runner.js';
import { createThreadedTaskRunner, type ThreadedTaskRunnerOptions } from './threaded-task-runner.js';

const FORM = `<!doctype html><title>Greeting</title><label>Name <input id="name"></label>
<button onclick="document.querySelector('#out').textContent = 'Hello ' + document.querySelector('#name').value">Greet</button><p id="out"></p>`;

let pages: PageServer;
let settings: Settings;

beforeAll(async () => {
  pages = await startPageServer({ '/form': FORM }, { '/entered': (_req, res) => void res.writeHead(204).end() });
  settings = loadSettings({
    API_KEY: 'threaded-runner-test-key',
    DEPLOYMENT: 'dev',
    DATA_DIR: tempDir('threaded-runner-data-'),
    ALLOW_CODE_STEPS: 'true',
    TASK_TRACE: 'false',
    LOG_LEVEL: 'debug',
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
  }).settings;
});

afterAll(async () => {
  await pages?.close();
});

const fill = { type: 'action_node', end_sleep_time: 0, interaction_action: { input_text: { command: 'get_by_label("Name")', input_text: '{name[0]}' } } };
const greet = { type: 'action_node', end_sleep_time: 0, interaction_action: { click_element: { command: 'get_by_role("button", name="Greet")' } } };
const code = (executionCode: string) => ({ type: 'action_node', javascript_action: { execution_code: executionCode, timeout_seconds: 60 } });
/** A code step that signals it has started, then keeps its thread (page.evaluate runs in the page). */
const enterThen = (rest: string) => code(`async (page) => { await page.evaluate(() => fetch('/entered')); ${rest} }`);
const sleep = (seconds: number) => ({ type: 'action_node', sleep_action: { sleep_time: seconds } });

function accept(nodes: unknown[]): Promise<AcceptedTask<Automation>> {
  const automation = recording(pages.url('/form'), nodes, { name: [] }, { take_final_screenshot: false });
  return acceptTask(makeTask({ automation, input_parameters: { name: ['alice'] } }), capabilitiesFromSettings(settings));
}

function threadedRunner(options: Partial<ThreadedTaskRunnerOptions> = {}): TaskRunner<Automation> {
  return createThreadedTaskRunner({ settings, logger: silentLogger, humanInLoop: createHumanInLoopGate(async () => {}), ...options });
}

function inProcessRunner(): TaskRunner<Automation> {
  const services = runServicesFromSettings(settings, { humanInLoop: createHumanInLoopGate(async () => {}) });
  return createBrowserTaskRunner({ chromiumPath: settings.CHROMIUM_PATH, downloadTimeoutSeconds: 10, logger: silentLogger, services });
}

/** Resolves once the page server has seen `path` (a step's own signal that it started). */
async function requested(path: string, since = 0): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!pages.requests.slice(since).some((r) => r.path === path)) {
    if (Date.now() > deadline) throw new Error(`${path} was never requested`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Threads of this process, as Linux counts them. */
const threadCount = () => readdirSync('/proc/self/task').length;

describe('a task run in the task thread', () => {
  it('succeeds with its outputs and step files, its log lines reach the run’s logger with its bindings, and a step holding the thread never holds this one', async () => {
    const accepted = await accept([
      fill,
      greet,
      // Holds its thread for 1.5 s, as a slow step of a real run holds the thread it runs on.
      code(`async (page) => { console.log('greeting read'); const end = Date.now() + 1500; while (Date.now() < end) {} return { greeting: await page.locator('#out').textContent() }; }`),
    ]);
    const lines: Record<string, unknown>[] = [];
    const logger: Logger = createLogger({ level: 'debug', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }).child({ task_id: accepted.task.task_id, run: 'first' });
    const runner = threadedRunner();
    try {
      const loop = watchEventLoop();
      const outcome = await runner.run(accepted, { logger });
      const longestStallMs = loop.stop();

      expect(outcome).toMatchObject({ status: 'success', error: null });
      expect(outcome.outputData).toContainEqual({ unique_identifier: null, json_data: { greeting: 'Hello alice' } });
      const logs = taskPaths(accepted.task).logsDirectory;
      for (const file of ['state.json', 'screenshot.png']) expect(existsSync(join(logs, 'step_0', file))).toBe(true);
      const steps = (JSON.parse(readFileSync(join(logs, 'steps.json'), 'utf8')) as { steps: { action: string; outcome: string }[] }).steps;
      expect(steps.map((step) => [step.action, step.outcome])).toEqual([
        ['interaction_action.input_text', 'success'],
        ['interaction_action.click_element', 'success'],
        ['javascript_action', 'success'],
      ]);

      const bound = { task_id: accepted.task.task_id, run: 'first' };
      expect(lines).toContainEqual(expect.objectContaining({ ...bound, level: 'info', msg: 'code step log', message: 'greeting read' }));
      expect(lines.filter((line) => line.msg === 'step finished')).toEqual([0, 1, 2].map((index) => expect.objectContaining({ ...bound, step_index: index })));
      // The step held its thread for 1.5 s; this thread ran its timers all along.
      expect(longestStallMs).toBeLessThan(750);
    } finally {
      await runner.close();
    }
  });
});

describe('a stopped task in the task thread', () => {
  it.each([
    ['cancelled', () => new TaskStoppedError('cancelled', 'Task cancelled by user')],
    ['killed', () => timedOut(0.05)],
  ] as const)('ends %s, with the status and error the in-process runner gives', async (status, reason) => {
    const outcomes = [];
    for (const runner of [threadedRunner(), inProcessRunner()]) {
      const accepted = await accept([fill, sleep(30)]);
      const stop = new AbortController();
      const since = pages.requests.length;
      try {
        const running = runner.run(accepted, { logger: silentLogger, signal: stop.signal });
        await requested('/form', since);
        await new Promise((resolve) => setTimeout(resolve, 300));
        stop.abort(reason());
        outcomes.push(await running);
      } finally {
        await runner.close();
      }
    }
    const [threaded, inProcess] = outcomes.map((outcome) => ({ status: outcome?.status, error: outcome?.error }));
    expect(threaded).toEqual(inProcess);
    expect(threaded).toEqual({ status, error: reason().message });
  });
});

describe('a task thread that ends mid-task', () => {
  it('fails its task saying so, leaves no browser behind, and the next task runs on a new thread', async () => {
    const runner = threadedRunner();
    try {
      // The code step reaches the thread's own process object, as hostile code could, and ends the thread.
      const dying = await accept([enterThen(`page.constructor.constructor('return process')().exit(7);`)]);
      const outcome = await runner.run(dying, { logger: silentLogger });
      expect(outcome).toMatchObject({ status: 'failed', error: 'The task thread stopped (exit code 7) before the task ended' });

      const next = await runner.run(await accept([fill, greet]), { logger: silentLogger });
      expect(next).toMatchObject({ status: 'success', error: null });
      // The dead thread's browser exited with it; the new thread's is the only one.
      expect(await launchedBrowserPids()).toHaveLength(1);
    } finally {
      await runner.close();
    }
  });

  it('is ended when it does not answer a stop within the grace period; the task ends with the stop’s status and the next one runs', async () => {
    const runner = threadedRunner({ stopGraceMs: 500 });
    try {
      const stuck = await accept([enterThen('for (;;) {}')]);
      const stop = new AbortController();
      const since = pages.requests.length;
      const running = runner.run(stuck, { logger: silentLogger, signal: stop.signal });
      await requested('/entered', since);
      stop.abort(new TaskStoppedError('cancelled', 'Task cancelled by user'));
      expect(await running).toMatchObject({ status: 'cancelled', error: 'Task cancelled by user' });

      expect(await runner.run(await accept([fill, greet]), { logger: silentLogger })).toMatchObject({ status: 'success', error: null });
      expect(await launchedBrowserPids()).toHaveLength(1);
    } finally {
      await runner.close();
    }
  });
});

describe('close()', () => {
  it('closes the browser and ends the thread; a run after it fails as the worker shutting down', async () => {
    const runner = threadedRunner();
    expect(await runner.run(await accept([fill, greet]), { logger: silentLogger })).toMatchObject({ status: 'success' });
    expect(await launchedBrowserPids()).toHaveLength(1);
    const threadsWhileOpen = threadCount();

    await runner.close();
    expect(await launchedBrowserPids()).toEqual([]);
    expect(threadCount()).toBeLessThan(threadsWhileOpen);
    expect(await runner.run(await accept([fill]), { logger: silentLogger })).toMatchObject({ status: 'failed', error: 'The worker is shutting down' });
  });
});
