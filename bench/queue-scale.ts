import { InferenceRequest } from '../lib/schemas/wire/inference-request.js';
import type { Task } from '../lib/schemas/wire/task.js';
import { TaskQueue } from '../lib/worker/task-queue.js';
import { simpleAutomation, startTestControlPlane, type TestControlPlane } from '../test/support/control-plane.js';
import { startWorkerRoutesServer } from '../test/support/worker-routes-server.js';
import type { BenchmarkResult } from './index.js';
import { summarize } from './stats.js';

const SIZES = [10, 100, 1000];
const HEALTH_REQUESTS = 200;
const QUEUE_OPS = 20_000;
/** "Flat": the cost per operation at 1,000 waiting is at most this many times the cost at 10. */
const FLAT_FACTOR = 2;

type Row = { size: number; enqueueMs: number; healthMs: number; orderUs: number };

/**
 * The local worker with 10, 100 and 1,000 tasks waiting behind one that never finishes: each
 * task allocated by its own POST /allocate_task (HTTP, auth, validation of the recording, the
 * task's folders, the priority queue), then GET /health at that size; and the priority queue's
 * own push + take at that size. Per operation, median over the operations.
 */
export async function run(): Promise<BenchmarkResult> {
  const cp = await startTestControlPlane();
  try {
    await cp.writeRecording('hold', simpleAutomation({ name: ['x'] }));
    // A first round warms up the code paths (the JIT); not counted.
    await measureSize(cp, 10);
    const rows: Row[] = [];
    for (const size of SIZES) rows.push(await measureSize(cp, size));
    const first = rows[0] as Row;
    const last = rows.at(-1) as Row;
    const verdict = (a: number, b: number) => (b <= a * FLAT_FACTOR ? `flat (${(b / a).toFixed(2)}×)` : `grows ${(b / a).toFixed(1)}× (target ≤ ${FLAT_FACTOR}×)`);
    const markdown = [
      `Per operation, median over the operations at each size. Enqueue: one POST /allocate_task per task (a task created by the embedded control plane beforehand), one task already running and never finishing. Health: ${HEALTH_REQUESTS} sequential GET /health with that many waiting. Priority order: the worker's TaskQueue holding that many tasks (random priorities, a tenth without one), ${QUEUE_OPS} push + take. Target: flat from 10 to 1,000 (1,000's cost ≤ ${FLAT_FACTOR}× 10's).`,
      '',
      '| tasks waiting | enqueue (POST /allocate_task) | GET /health | priority order (push + take) |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.size} | ${r.enqueueMs.toFixed(2)} ms | ${r.healthMs.toFixed(2)} ms | ${r.orderUs.toFixed(2)} µs |`),
      `| 10 → 1,000 | ${verdict(first.enqueueMs, last.enqueueMs)} | ${verdict(first.healthMs, last.healthMs)} | ${verdict(first.orderUs, last.orderUs)} |`,
    ].join('\n');
    return { title: 'Scale: 10, 100 and 1,000 queued tasks', markdown };
  } finally {
    await cp.close();
  }
}

async function measureSize(cp: TestControlPlane, size: number): Promise<Row> {
  // One to run (held) and `size` to wait.
  const tasks: Task[] = [];
  for (let i = 0; i <= size; i++) tasks.push(await cp.client.requestInference(InferenceRequest.parse({ endpoint_name: 'hold', input_parameters: { name: [`t${i}`] }, priority: i % 10 === 0 ? undefined : (i * 7919) % 100 })));
  const server = await startWorkerRoutesServer(cp);
  try {
    const enqueue: number[] = [];
    for (const [i, task] of tasks.entries()) {
      const started = performance.now();
      const response = await server.request('/allocate_task', { method: 'POST', json: [task] });
      await response.arrayBuffer();
      if (i > 0) enqueue.push(performance.now() - started);
      if (response.status !== 202) throw new Error(`/allocate_task answered ${response.status}`);
      if (i === 0) while (server.held.started.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const health: number[] = [];
    for (let i = 0; i < HEALTH_REQUESTS; i++) {
      const started = performance.now();
      const body = (await (await server.request('/health')).json()) as { queued_tasks: number };
      health.push(performance.now() - started);
      if (body.queued_tasks !== size) throw new Error(`/health says ${body.queued_tasks} queued, expected ${size}`);
    }
    return { size, enqueueMs: summarize(enqueue).median, healthMs: summarize(health).median, orderUs: queueOrderUs(size) };
  } finally {
    await server.close();
  }
}

/** Push + take at a steady `size`, µs per pair (timed in batches: one pair is below the timer's resolution). */
function queueOrderUs(size: number): number {
  const queue = new TaskQueue<{ task_id: string; priority: number | null }>();
  let id = 0;
  const next = () => ({ task_id: String(id++), priority: id % 10 === 0 ? null : (id * 7919) % 100 });
  for (let i = 0; i < size; i++) queue.push(next());
  // As many untimed first, at this size: the JIT settles the heap's code for it, and the figure is
  // the queue's cost rather than the compiler's.
  for (let i = 0; i < QUEUE_OPS; i++) {
    queue.push(next());
    queue.shift();
  }
  const batches: number[] = [];
  const perBatch = 100;
  for (let b = 0; b < QUEUE_OPS / perBatch; b++) {
    const started = performance.now();
    for (let i = 0; i < perBatch; i++) {
      queue.push(next());
      queue.shift();
    }
    batches.push(((performance.now() - started) * 1000) / perBatch);
  }
  return summarize(batches).median;
}
