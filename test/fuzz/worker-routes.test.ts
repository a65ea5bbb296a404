import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { ROUTES_TEST_API_KEY, startWorkerRoutesServer } from '../support/worker-routes-server.js';
import { WORKER_ROUTES } from '../../infra/local/worker-routes.js';
import { checkAnswer, FUZZ_SEED, hostileBody, hostileHeaders, hostileRequest, send } from './http-fuzz.js';

/** The sample Task (its recording inline), the base of the mutated /allocate_task bodies. */
const sampleTask = JSON.parse((JSON.parse(readFileSync(new URL('../../events/allocate-task.json', import.meta.url), 'utf8')) as { body: string }).body) as unknown[];

/** Valid bodies of each route, mutated by the generators. No recording exists, so a valid /inference gets a 404. */
const VALID_BODIES: unknown[] = [
  { endpoint_name: 'no-such-recording', input_parameters: { name: ['x'] }, unique_parameter_names: ['name'], secure_parameters: {} },
  sampleTask,
  sampleTask[0],
  { new_child_process_id: '1', new_unique_child_arn: 'arn:x' },
  { task_id: 'some-task' },
  ['some-task', 'other-task'],
];
const ROUTES = WORKER_ROUTES.map(({ method, path }) => ({ method, path }));

let cp: TestControlPlane;
let worker: Awaited<ReturnType<typeof startWorkerRoutesServer>>;

beforeAll(async () => {
  cp = await startTestControlPlane();
  worker = await startWorkerRoutesServer(cp);
});
afterAll(async () => {
  await worker?.close();
  await cp?.close();
});

describe('worker routes under malformed input', () => {
  it('never answer 5xx, never take a task from an invalid request, and keep serving', async () => {
    const request = hostileRequest(ROUTES, hostileHeaders(ROUTES_TEST_API_KEY), hostileBody(VALID_BODIES));
    await fc.assert(
      fc.asyncProperty(request, async (sent) => {
        const before = worker.worker.health();
        const answer = await send(worker.url, sent);
        checkAnswer(sent, answer);
        if (answer.status >= 400) {
          // A refused request leaves the queue as it was.
          expect(worker.worker.health()).toEqual(before);
        } else if (answer.status === 202) {
          // A mutation that stayed a valid Task: take it back out, so the next run starts clean.
          const { task_ids: taskIds = [] } = JSON.parse(answer.body) as { task_ids?: string[] };
          worker.worker.killTasks(taskIds);
          worker.held.releaseAll();
          await worker.worker.idle();
        }
      }),
      { numRuns: 1500, seed: FUZZ_SEED, endOnFailure: true },
    );
    const health = await fetch(new URL('/health', worker.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'healthy', task_running: false, queued_tasks: 0 });
    // Hostile keys changed no shared prototype.
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
