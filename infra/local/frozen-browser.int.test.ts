import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcesses, type ProcessInfo } from '../../lib/automation/browser/browser-process.js';
import { neverLoadingPage } from '../../test/support/never-loading-page.js';
import { startPageServer, type PageServer } from '../../test/support/page-server.js';
import { chromiumProcesses, descendantsOf, eventually, launchedBrowserPids } from '../../test/support/processes.js';
import { recording } from '../../test/support/run-recording.js';
import { startTestWorker, type TestWorker } from '../../test/support/worker.js';

let pages: PageServer;
let worker: TestWorker;
const hanging: ServerResponse[] = [];
/** Every process this file froze, so none is left stopped whatever the test's outcome. */
const frozen: ProcessInfo[] = [];

beforeAll(async () => {
  pages = await startPageServer(
    {},
    {
      // The task is mid-navigation when Chromium freezes.
      '/never': neverLoadingPage(hanging),
    },
  );
  worker = await startTestWorker({ KEEP_TASK_FILES: 'false' });
  const quiet = { take_final_screenshot: false };
  await worker.writeRecording('never_loads', recording(pages.url('/never'), [], { tag: [] }, quiet));
  await worker.writeRecording('quick', recording('about:blank', [], { tag: [] }, quiet));
});

afterAll(async () => {
  await thaw();
  await worker?.close();
  for (const res of hanging) res.destroy();
  await pages?.close();
});

/**
 * Resumes and kills what is still there of the frozen processes. A pid is signalled only while it
 * still names the same Chromium process (same name and group), never a process that reused it.
 */
async function thaw(): Promise<void> {
  const alive = new Map((await listProcesses()).map((info) => [info.pid, info]));
  for (const info of frozen.splice(0)) {
    const now = alive.get(info.pid);
    if (now?.name !== info.name || now.pgid !== info.pgid) continue;
    for (const signal of ['SIGCONT', 'SIGKILL'] as const) {
      try {
        process.kill(info.pid, signal);
      } catch {
        // ESRCH: it is gone already.
      }
    }
  }
}

/** SIGSTOPs the browser's whole process group and any of its descendants outside it. */
async function freeze(browserPid: number): Promise<ProcessInfo[]> {
  const below = (await descendantsOf(browserPid)).filter((info) => /chrom/i.test(info.name));
  const group = (await listProcesses()).filter((info) => info.pgid === browserPid);
  const targets = [...new Map([...group, ...below].map((info) => [info.pid, info])).values()];
  frozen.push(...targets);
  try {
    process.kill(-browserPid, 'SIGSTOP');
  } catch {
    // ESRCH: the group is gone; the per-process signals below say the same.
  }
  for (const info of below) process.kill(info.pid, 'SIGSTOP');
  return targets;
}

async function allocate(endpointName: string, tag: string, patch: Record<string, unknown> = {}): Promise<string> {
  const created = await worker.controlPlane('/api/v1/inference', { method: 'POST', json: { endpoint_name: endpointName, input_parameters: { tag: [tag] } } });
  expect(created.status).toBe(200);
  const task = { ...(JSON.parse(((await created.json()) as { task: string }).task) as Record<string, unknown>), ...patch };
  expect((await worker.worker('/allocate_task', { method: 'POST', json: [task] })).status).toBe(202);
  return String(task.task_id);
}

const stateOf = async (pid: number) => (await listProcesses()).find((info) => info.pid === pid)?.state;

describe('a Chromium process frozen mid-task (SIGSTOP)', () => {
  it('ends the task killed at its time limit, leaves no stopped or zombie Chromium, and the next task runs in a new browser', { timeout: 90_000 }, async () => {
    await expect(worker.waitForTask(await allocate('quick', 'warm'))).resolves.toMatchObject({ status: 'success' });
    const [browserPid] = await launchedBrowserPids();
    if (browserPid === undefined) throw new Error('no browser was launched');

    const taskId = await allocate('never_loads', 'frozen', { max_timeout_in_minutes: 0.05 });
    await eventually(async () => hanging.length, (n) => n > 0);
    const targets = await freeze(browserPid);
    // The freeze holds: the browser is stopped while the time limit runs out.
    expect(await eventually(() => stateOf(browserPid), (state) => state === 'T', 2_000)).toBe('T');

    // 3 s of limit; then the context close and the browser close each wait out their deadline
    // on a browser that cannot answer, and the browser is killed.
    await expect(worker.waitForTask(taskId, 60_000)).resolves.toMatchObject({ status: 'killed', error: 'Automation timed out after 0.05 minutes in process' });
    expect(worker.logs.some((line) => line.msg === 'browser did not close in time; killing it' && line.pid === browserPid)).toBe(true);

    // Nothing of the frozen browser is left: not stopped, not a zombie, not running.
    const leftOfFrozen = async () => {
      const pids = new Set(targets.map((info) => info.pid));
      return (await listProcesses()).filter((info) => pids.has(info.pid) && info.pgid === browserPid);
    };
    expect(await eventually(leftOfFrozen, (left) => left.length === 0)).toEqual([]);
    const stuck = async () => (await chromiumProcesses([browserPid])).filter((info) => info.state === 'T' || info.state === 'Z');
    expect(await eventually(stuck, (found) => found.length === 0)).toEqual([]);

    await expect(worker.waitForTask(await allocate('quick', 'after-freeze'))).resolves.toMatchObject({ status: 'success', error: null });
    const after = await launchedBrowserPids();
    expect(after).toHaveLength(1);
    expect(after).not.toContain(browserPid);
  });
});
