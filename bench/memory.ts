import { startTestControlPlane, TEST_API_KEY } from '../test/support/control-plane.js';
import type { PageServer } from '../test/support/page-server.js';
import { busyRecording, startBusyPage } from './busy-recording.js';
import type { BenchmarkResult } from './index.js';
import { summarize, type Summary } from './stats.js';
import { startWorkerChild } from './worker-child.js';

const SAMPLES = 10;
const EVERY_MS = 250;
const TARGET_MB = 150;

/**
 * The worker process's own RSS (as `npm start` runs it, embedded control plane included; its
 * Chromium runs in child processes and is not counted), idle after start-up and while a task
 * runs, sampled every 250 ms.
 */
export async function run(): Promise<BenchmarkResult> {
  const pages = await startBusyPage();
  const cp = await startTestControlPlane();
  try {
    await cp.writeRecording('busy', busyRecording(pages));
    const embedded = await measureWorker(pages);
    const alone = await measureWorker(pages, cp);
    const untuned = await measureWorker(pages, undefined, false);
    const mb = (bytes: number) => bytes / 2 ** 20;
    const fmt = (s: Summary) => `${mb(s.median).toFixed(0)} MB (${mb(s.min).toFixed(0)}–${mb(s.max).toFixed(0)})`;
    const judge = (s: Summary) => (mb(s.max) < TARGET_MB ? 'meets' : `misses by ${(mb(s.max) - TARGET_MB).toFixed(0)} MB`);
    const markdown = [
      `VmRSS of the worker process (plain \`node\` on the bundled worker, as \`npm start\` runs it: with the memory settings of infra/memory-tuning.ts, V8's semi-space capped at 2 MB and glibc returning freed memory); Chromium's processes are its children and are not counted. Median of ${SAMPLES} samples taken every ${EVERY_MS} ms (min–max). Target: < ${TARGET_MB} MB (judged on the max).`,
      '',
      '| worker | idle (after start-up) | a task running (fill, check, click, a step snapshot each) | target |',
      '|---|---|---|---|',
      `| with its embedded control plane (\`npm start\`) | ${fmt(embedded.idle)} | ${fmt(embedded.busy)} | ${judge(embedded.idle)} idle, ${judge(embedded.busy)} running |`,
      `| alone (control plane in another process, as in a fleet) | ${fmt(alone.idle)} | ${fmt(alone.busy)} | ${judge(alone.idle)} idle, ${judge(alone.busy)} running |`,
      `| with its embedded control plane, plain \`node\` without those settings (for comparison) | ${fmt(untuned.idle)} | ${fmt(untuned.busy)} | – |`,
    ].join('\n');
    return { title: 'Memory: worker RSS without Chromium', markdown };
  } finally {
    await cp.close();
    await pages.close();
  }
}

async function measureWorker(pages: PageServer, controlPlane?: { url: string }, tuned = true): Promise<{ idle: Summary; busy: Summary }> {
  const worker = await startWorkerChild({ ...(controlPlane ? { controlPlane: { url: controlPlane.url, apiKey: TEST_API_KEY } } : {}), tuned });
  try {
    if (!controlPlane) await worker.writeRecording('busy', busyRecording(pages));
    // Start-up loads playwright-core in the background: idle is measured once that is done.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idle = await sample(() => worker.rssBytes());
    const taskId = await worker.submit('busy');
    while (!(await worker.health()).task_running) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const busy = await sample(() => worker.rssBytes());
    const running = (await worker.health()).task_running;
    await worker.worker('/kill_task', { method: 'POST', json: [taskId] });
    if (!running) throw new Error('the busy task ended before the samples were taken');
    return { idle, busy };
  } finally {
    await worker.close();
  }
}

async function sample(read: () => Promise<number>): Promise<Summary> {
  const values: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    values.push(await read());
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
  return summarize(values);
}
