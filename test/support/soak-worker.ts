/**
 * Runs many trivial tasks through a local worker in this process and prints what a leak would
 * change, as one JSON line: retained memory after a full GC, the Chromium processes, the temp dir. Started by
 * infra/local/many-tasks.int.test.ts as `node --expose-gc --import tsx test/support/soak-worker.ts`
 * with SOAK_TASKS and SOAK_TMPDIR; the GC makes the figures show retained memory, not garbage yet
 * to be collected.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { resolveChromiumExecutable } from '../../lib/automation/browser/chromium-executable.js';
import { chromiumProcesses, eventually, launchedBrowserPids } from './processes.js';
import { recording } from './run-recording.js';
import { startTestWorker, type TestWorker } from './worker.js';

/** Where the tasks keep their folders (the Task model's default save_directory). */
const SAVE_DIRECTORY = '/tmp/optexity';
/**
 * Tasks run before the baseline, and the size of every later batch: each batch then reaches the
 * same peak (queue, control plane, Playwright buffers) the warm-up did, so RSS measured after it
 * shows what was kept, not a higher peak the allocator has not handed back yet.
 */
const BATCH_TASKS = 20;

function usage(dir: string): { entries: number; bytes: number } {
  let entries = 0;
  let bytes = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    entries += 1;
    const info = statSync(join(dir, name), { throwIfNoEntry: false });
    if (info?.isFile()) bytes += info.size;
  }
  return { entries, bytes };
}

/**
 * Memory still reachable after a full collection: the JS heap plus the buffers it holds, and the
 * process's RSS. RSS also counts freed pages the allocator keeps; the test starts this process
 * with malloc settings that hand them back (see many-tasks.int.test.ts).
 */
function retainedMemory(): { heap: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external, rss: usage.rss };
}

/** Queues `count` tasks, waits for the worker to be idle, answers the statuses they ended with. */
async function runTasks(worker: TestWorker, count: number, from: number): Promise<{ ids: string[]; statuses: string[] }> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await worker.worker('/inference', { method: 'POST', json: { endpoint_name: 'blank', input_parameters: { n: [String(from + i)] } } });
    ids.push(((await response.json()) as { task_id: string }).task_id);
  }
  // One poller, not one per task: the control plane shares this process's two cores.
  await eventually(
    () => worker.worker('/health').then((r) => r.json() as Promise<{ task_running: boolean; queued_tasks: number }>),
    (health) => !health.task_running && health.queued_tasks === 0,
    300_000,
  );
  const statuses: string[] = [];
  for (const id of ids) statuses.push(String((await worker.waitForTask(id, 60_000)).status));
  return { ids, statuses };
}

async function main(): Promise<void> {
  const tasks = Number(process.env.SOAK_TASKS ?? '200');
  const privateTmp = process.env.SOAK_TMPDIR;
  if (!privateTmp) throw new Error('SOAK_TMPDIR is required');
  // The packaged Chromium is unpacked under the real temp dir (once per machine); from then on
  // whatever Playwright and Chromium create in the temp dir lands in the private one.
  await resolveChromiumExecutable(process.env.CHROMIUM_PATH);
  const worker = await startTestWorker({ KEEP_TASK_FILES: 'false' });
  await worker.writeRecording('blank', recording('about:blank', [], { n: [] }, { take_final_screenshot: false }));
  process.env.TMPDIR = privateTmp;

  await runTasks(worker, BATCH_TASKS, 0);
  const browsersBefore = await launchedBrowserPids();
  const processesBefore = (await chromiumProcesses()).length;
  const tmpBefore = usage(privateTmp);
  const memoryBefore = retainedMemory();
  const started = Date.now();

  const ids: string[] = [];
  const statuses: string[] = [];
  // The post-GC RSS after each batch, for the report: a leak climbs batch after batch.
  const rssAfterBatchMb: number[] = [];
  for (let done = 0; done < tasks; done += BATCH_TASKS) {
    const batch = await runTasks(worker, Math.min(BATCH_TASKS, tasks - done), BATCH_TASKS + done);
    ids.push(...batch.ids);
    statuses.push(...batch.statuses);
    rssAfterBatchMb.push(Math.round(((retainedMemory().rss - memoryBefore.rss) / 2 ** 20) * 10) / 10);
  }

  const seconds = (Date.now() - started) / 1000;
  const memoryAfter = retainedMemory();
  const browsersAfter = await launchedBrowserPids();
  // A renderer may still be exiting right after the last context closed.
  const processesAfter = await eventually(chromiumProcesses, (found) => found.length <= processesBefore);
  const foldersLeft = await eventually(async () => ids.filter((id) => existsSync(join(SAVE_DIRECTORY, id))), (left) => left.length === 0);
  const tmpAfter = usage(privateTmp);
  await worker.close();
  const processesAfterClose = await eventually(() => chromiumProcesses(), (left) => left.length === 0);

  process.stdout.write(
    `${JSON.stringify({
      tasks,
      seconds,
      failed: statuses.filter((status) => status !== 'success').length,
      heapGrowthMb: (memoryAfter.heap - memoryBefore.heap) / 2 ** 20,
      rssGrowthMb: (memoryAfter.rss - memoryBefore.rss) / 2 ** 20,
      rssAfterBatchMb,
      browsersBefore,
      browsersAfter,
      processesBefore,
      processesAfter: processesAfter.length,
      zombiesAfter: processesAfter.filter((info) => info.state === 'Z').length,
      processesAfterClose: processesAfterClose.length,
      foldersLeft: foldersLeft.length,
      tmpBefore,
      tmpAfter,
      tmpAfterClose: readdirSync(privateTmp),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
