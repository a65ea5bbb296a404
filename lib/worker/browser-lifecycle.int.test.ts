import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPageServer, type PageServer } from '../../test/support/page-server.js';
import { chromiumProcesses, descendantsOf, eventually, launchedBrowserPids } from '../../test/support/processes.js';
import { recording } from '../../test/support/run-recording.js';
import { makeTask, tempDir } from '../../test/support/task-fixture.js';
import { startTestWorker } from '../../test/support/worker.js';
import { silentLogger } from '../log/logger.js';
import { acceptTask } from './accept-task.js';
import { createBrowserTaskRunner } from './browser-task-runner.js';
import { TaskStoppedError } from './task-runner.js';

let pages: PageServer;
const hanging: ServerResponse[] = [];
/** The tasks' folders, and the fake Chromium binary. */
const scratch = tempDir('browser-lifecycle-');
const quiet = { take_final_screenshot: false };
/** Lets the page's report request finish before the run closes its context. */
const settle = { type: 'action_node', sleep_action: { sleep_time: 0.3 } };
const report = (who: string) =>
  `<script>fetch('/report?who=${who}&ls=' + localStorage.getItem('k') + '&cookie=' + encodeURIComponent(document.cookie))</script>`;

beforeAll(async () => {
  pages = await startPageServer(
    { '/read': `<!doctype html><title>Read</title>${report('read')}` },
    {
      '/set': (_req, res) =>
        void res
          .writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'session=abc; Path=/' })
          .end(`<!doctype html><title>Set</title><script>localStorage.setItem('k', 'v')</script>${report('set')}`),
      '/report': (_req, res) => void res.writeHead(204).end(),
      '/never': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).write('<!doctype html><p>loading');
        hanging.push(res);
      },
    },
  );
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await pages?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Retries come at once: a stopped task that were retried would show within the test. */
const newRunner = () => createBrowserTaskRunner({ downloadTimeoutSeconds: 5, logger: silentLogger, chromiumPath: process.env.CHROMIUM_PATH, retryBaseDelayMs: 10 });
const accepted = (url: string, nodes: unknown[] = [], extra: Record<string, unknown> = {}) =>
  acceptTask(makeTask({ automation: recording(url, nodes, {}, { ...quiet, ...extra }), save_directory: scratch }));
/** Zombies this process would have to reap (orphans of a killed browser are init's). */
const zombies = async () => (await descendantsOf()).filter((info) => info.state === 'Z');

describe('the warm browser', () => {
  it('gives each task a fresh context: cookies and localStorage of one task are gone in the next', async () => {
    const runner = newRunner();
    try {
      await expect(runner.run(await accepted(pages.url('/set'), [settle]), { logger: silentLogger })).resolves.toMatchObject({ status: 'success' });
      await expect(runner.run(await accepted(pages.url('/read'), [settle]), { logger: silentLogger })).resolves.toMatchObject({ status: 'success' });
      expect(await launchedBrowserPids()).toHaveLength(1);
    } finally {
      await runner.close();
    }
    const reports = pages.requests.filter((r) => r.path === '/report').map((r) => ({ who: r.query.get('who'), ls: r.query.get('ls'), cookie: r.query.get('cookie') }));
    expect(reports).toEqual([
      { who: 'set', ls: 'v', cookie: 'session=abc' },
      { who: 'read', ls: 'null', cookie: '' },
    ]);
    expect(pages.requests.find((r) => r.path === '/read')?.headers.cookie).toBeUndefined();
  });

  it('is replaced when it crashes mid-task: that task fails clearly, the next one succeeds, nothing is left of it', async () => {
    const runner = newRunner();
    try {
      const run = runner.run(await accepted(pages.url('/never')), { logger: silentLogger });
      const [pid] = await eventually(launchedBrowserPids, (pids) => pids.length === 1);
      await eventually(async () => hanging.length, (n) => n > 0);
      process.kill(pid ?? 0, 'SIGKILL');

      await expect(run).resolves.toMatchObject({ status: 'failed', error: 'The browser closed unexpectedly (it crashed or was killed)' });
      await expect(runner.run(await accepted('about:blank'), { logger: silentLogger })).resolves.toMatchObject({ status: 'success', error: null });
      expect(await launchedBrowserPids()).not.toContain(pid);
      // Its renderers were in its process group: killed with it (their reaping is then init's).
      const aliveOfCrashed = async () => (await chromiumProcesses([pid ?? 0])).filter((info) => info.pgid === pid && info.state !== 'Z');
      expect(await eventually(aliveOfCrashed, (left) => left.length === 0)).toEqual([]);
      expect(await eventually(zombies, (found) => found.length === 0)).toEqual([]);
    } finally {
      await runner.close();
    }
    expect(await eventually(() => chromiumProcesses(), (left) => left.length === 0)).toEqual([]);
  });

  it('is recycled after a stopped task (not retried): closed at once, relaunched by the next task, no process left behind', async () => {
    const runner = newRunner();
    try {
      const stop = new AbortController();
      const run = runner.run(await accepted(pages.url('/never'), [], { max_retries: 2 }), { logger: silentLogger, signal: stop.signal });
      const [pid] = await eventually(launchedBrowserPids, (pids) => pids.length === 1);
      const requested = hanging.length;
      await eventually(async () => hanging.length, (n) => n > requested);
      stop.abort(new TaskStoppedError('killed', 'Automation timed out after 0.01 minutes in process'));

      await expect(run).resolves.toMatchObject({ status: 'killed', error: 'Automation timed out after 0.01 minutes in process' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(hanging).toHaveLength(requested + 1);
      expect(await eventually(() => chromiumProcesses([pid ?? 0]), (left) => left.length === 0)).toEqual([]);
      await expect(runner.run(await accepted('about:blank'), { logger: silentLogger })).resolves.toMatchObject({ status: 'success' });
      expect(await launchedBrowserPids()).toHaveLength(1);
    } finally {
      await runner.close();
    }
    expect(await eventually(() => chromiumProcesses(), (left) => left.length === 0)).toEqual([]);
  });
});

describe('a browser that cannot start', () => {
  it('fails the task with the reason, and complete_task is still sent', async () => {
    const notExecutable = join(scratch, 'chromium');
    writeFileSync(notExecutable, 'not a program');
    chmodSync(notExecutable, 0o644);
    const worker = await startTestWorker({ CHROMIUM_PATH: notExecutable, KEEP_TASK_FILES: 'false' });
    try {
      await worker.writeRecording('quick', recording('about:blank', [], { tag: [] }, quiet));
      for (const tag of ['first', 'second']) {
        const response = await worker.worker('/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: { tag: [tag] } } });
        const { task_id: taskId } = (await response.json()) as { task_id: string };
        const task = await worker.waitForTask(taskId, 10_000);
        // Each task tries again: a binary fixed in place is picked up without a restart.
        expect(task.status).toBe('failed');
        expect(task.error).toBe(`The automation could not run: Chromium could not start (CHROMIUM_PATH ${notExecutable}): Failed to launch: Error: spawn ${notExecutable} EACCES`);
      }
    } finally {
      await worker.close();
    }
  });

  it('names what the browser said when it exits at once', async () => {
    const exitsAtOnce = join(scratch, 'exits-at-once');
    writeFileSync(exitsAtOnce, '#!/bin/sh\necho "cannot open display" >&2\nexit 3\n');
    chmodSync(exitsAtOnce, 0o755);
    const runner = createBrowserTaskRunner({ downloadTimeoutSeconds: 5, logger: silentLogger, chromiumPath: exitsAtOnce });
    try {
      await expect(runner.run(await accepted('about:blank'), { logger: silentLogger })).rejects.toThrow(
        `Chromium could not start (CHROMIUM_PATH ${exitsAtOnce}): Target page, context or browser has been closed (stderr: cannot open display)`,
      );
    } finally {
      await runner.close();
    }
  });
});
