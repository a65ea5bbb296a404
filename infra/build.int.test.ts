import { execFile, spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPageServer, type PageServer } from '../test/support/page-server.js';
import { recording } from '../test/support/run-recording.js';
import { tempDir } from '../test/support/task-fixture.js';
import { runCli } from './cli/spawn-cli.js';

const ROOT = new URL('..', import.meta.url).pathname;
const API_KEY = 'built-worker-test-key';
/**
 * Loaded before the worker (`node --import`): when the main thread exits, it prints how many
 * playwright-core modules that thread loaded. The package's ESM entry loads its CommonJS code,
 * so they are in the thread's require cache; each thread has its own.
 */
const MAIN_THREAD_PROBE = `data:text/javascript,${encodeURIComponent(`
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) process.on('exit', () => {
  const loaded = Object.keys(createRequire(process.argv[1]).cache).filter((path) => path.includes('/node_modules/playwright-core/'));
  process.stderr.write(JSON.stringify({ main_thread_playwright_modules: loaded.length }) + '\\n');
});`)}`;

let pages: PageServer;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['infra/build.mjs'], { cwd: ROOT });
  pages = await startPageServer({ '/hello': '<!doctype html><title>Hello</title><button onclick="fetch(\'/clicked\')">Go</button>' }, { '/clicked': (_req, res) => void res.writeHead(204).end() });
});

afterAll(async () => {
  await pages?.close();
});

/**
 * Starts a built entry point as a user would (`node <entry> [command] --port 0`, embedded control
 * plane), runs one task through POST /inference, stops it with SIGTERM and answers what it saw.
 */
async function runOneTask(entry: string[], env: Record<string, string> = {}) {
  const dir = tempDir('built-worker-test-');
  await mkdir(join(dir, 'automations'));
  const click = { type: 'action_node', end_sleep_time: 0, interaction_action: { click_element: { command: 'get_by_role("button", name="Go")' } } };
  await writeFile(join(dir, 'automations', 'hello.json'), JSON.stringify({ endpoint_name: 'hello', automation: recording(pages.url('/hello'), [click], {}, { take_final_screenshot: false }) }));
  const child = spawn(process.execPath, ['--import', MAIN_THREAD_PROBE, ...entry, '--port', '0'], {
    cwd: dir,
    env: { ...process.env, ENV_PATH: '', API_KEY, DEPLOYMENT: 'dev', SERVER_URL: 'http://127.0.0.1:0', DATA_DIR: join(dir, 'data'), AUTOMATIONS_DIR: join(dir, 'automations'), LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: Record<string, unknown>[] = [];
  try {
    const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
      createInterface({ input: child.stderr }).on('line', (line) => {
        const entry = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { msg: line };
        lines.push(entry);
        if (entry.msg === 'worker listening') resolve(entry);
      });
      void exited.then((code) => reject(new Error(`the worker exited with ${code} before listening:\n${JSON.stringify(lines)}`)));
    });
    const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
    const created = await fetch(new URL('/inference', String(listening.url)), { method: 'POST', headers, body: JSON.stringify({ endpoint_name: 'hello', input_parameters: {} }) });
    expect(created.status).toBe(202);
    const { task_id: taskId } = (await created.json()) as { task_id: string };
    let task: { status: string; error: string | null };
    for (const deadline = Date.now() + 30_000; ; ) {
      task = (await (await fetch(new URL(`/api/v1/tasks/${taskId}`, String(listening.control_plane)), { headers })).json()) as typeof task;
      if (!['queued', 'allocated', 'running'].includes(task.status) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGTERM');
    const code = await exited;
    const probe = lines.find((line) => 'main_thread_playwright_modules' in line);
    return { task: { status: task.status, error: task.error }, code, mainThreadPlaywrightModules: probe?.main_thread_playwright_modules };
  } finally {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the built worker (dist/, as npm start and the installed command run it)', () => {
  it('runs its tasks in the task thread from dist/infra/local/task-thread.js; its main thread never loads playwright-core', async () => {
    expect(await runOneTask([join(ROOT, 'dist/infra/local/main.js')])).toEqual({ task: { status: 'success', error: null }, code: 0, mainThreadPlaywrightModules: 0 });
  });

  it('finds the task thread from the CLI’s bundle too (optexity-worker serve)', async () => {
    expect(await runOneTask([join(ROOT, 'bin/optexity-worker.js'), 'serve'])).toEqual({ task: { status: 'success', error: null }, code: 0, mainThreadPlaywrightModules: 0 });
  });

  it('loads playwright-core on its main thread with TASK_THREAD=false (what the probe above would see)', async () => {
    const { task, mainThreadPlaywrightModules } = await runOneTask([join(ROOT, 'dist/infra/local/main.js')], { TASK_THREAD: 'false' });
    expect(task).toEqual({ status: 'success', error: null });
    expect(mainThreadPlaywrightModules).toBeGreaterThan(0);
  });

  it('bin/optexity-worker.js runs the built CLI', async () => {
    const { code, stdout } = await runCli(['--help'], { entry: join(ROOT, 'bin/optexity-worker.js') });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: optexity-worker COMMAND/);
  });
});
