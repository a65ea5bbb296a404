import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../test/support/control-plane.js';
import { ROUTES_TEST_API_KEY, startWorkerRoutesServer } from '../../test/support/worker-routes-server.js';
import { InferenceRequest } from '../../lib/schemas/wire/inference-request.js';
import type { Task } from '../../lib/schemas/wire/task.js';

const UNAUTHORIZED = { success: false, error: 'Unauthorized', code: 'UNAUTHORIZED' };

let cp: TestControlPlane;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  cp = await startTestControlPlane();
  await cp.writeRecording('hold', simpleAutomation({ name: ['x'] }));
});
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});
afterAll(async () => cp?.close());

async function server(env: Record<string, string> = {}) {
  const started = await startWorkerRoutesServer(cp, env);
  opened.push(started);
  return started;
}

/** A Task the control plane issued, as a master would allocate it. */
const issuedTask = (): Promise<Task> => cp.client.requestInference(InferenceRequest.parse({ endpoint_name: 'hold', input_parameters: { name: ['x'] } }));
const taskCount = async () => ((await bodyOf(await cp.request('/api/v1/tasks?limit=500'))) as { tasks: unknown[] }).tasks.length;

/** Each protected route with a request it serves, and the status it then answers. */
const PROTECTED: [string, string, () => Promise<unknown> | unknown, number][] = [
  ['POST', '/inference', () => ({ endpoint_name: 'hold', input_parameters: { name: ['x'] } }), 202],
  ['GET', '/is_task_running', () => undefined, 200],
  ['POST', '/allocate_task', async () => [await issuedTask()], 202],
  ['POST', '/set_child_process_id', () => ({ new_child_process_id: '1', new_unique_child_arn: 'arn:x' }), 200],
  ['POST', '/human_in_loop_completed', () => ({ task_id: 'some-task' }), 200],
  ['GET', '/hitl_status?task_id=some-task', () => undefined, 200],
  ['POST', '/kill_task', () => ['some-task'], 200],
];

describe('worker routes over HTTP require API_KEY in x-api-key', () => {
  it.each(PROTECTED)('%s %s: 401 (one body) without a key, with an empty or a wrong one; served with the right one', async (method, path, bodyOfRoute, status) => {
    const worker = await server();
    const json = await bodyOfRoute();
    const body = json === undefined ? {} : { body: JSON.stringify(json) };
    const before = await taskCount();
    for (const key of [undefined, '', 'wrong-key', ROUTES_TEST_API_KEY.toUpperCase(), `${ROUTES_TEST_API_KEY}x`, ROUTES_TEST_API_KEY.slice(0, -1)]) {
      // Sent with fetch itself: the helper would add the right key.
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-api-key': key }) };
      const response = await fetch(new URL(path, worker.url), { method, headers, ...body });
      expect([key, response.status, await response.json()]).toEqual([key, 401, UNAUTHORIZED]);
    }
    expect(await taskCount()).toBe(before);
    expect(worker.worker.health()).toMatchObject({ queuedTasks: 0, taskRunning: false });
    const served = await worker.request(path, { method, ...body, headers: { 'content-type': 'application/json' } });
    expect(served.status).toBe(status);
  });

  it('leaves GET /health open, telling only the state of the queue', async () => {
    const worker = await server();
    const response = await fetch(new URL('/health', worker.url));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: 'healthy', task_running: false, queued_tasks: 0 });
    expect(text).not.toContain(ROUTES_TEST_API_KEY);
    expect(JSON.stringify([...response.headers])).not.toContain(ROUTES_TEST_API_KEY);
  });
});

describe('request body limits', () => {
  it('answers 413 with the limit (not a reset) for a body over MAX_REQUEST_BODY_BYTES, and keeps serving', async () => {
    const worker = await server({ MAX_REQUEST_BODY_BYTES: '4096' });
    const response = await worker.request('/kill_task', { method: 'POST', json: Array.from({ length: 50_000 }, (_, i) => `task-${i}`) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ success: false, error: 'Request body is larger than 4096 bytes', code: 'PAYLOAD_TOO_LARGE' });
    expect((await worker.request('/kill_task', { method: 'POST', json: ['a'] })).status).toBe(200);
  });

  it('answers 413 to a streamed body without content-length too', async () => {
    const worker = await server({ MAX_REQUEST_BODY_BYTES: '4096' });
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(new URL('/inference', worker.url), { method: 'POST', headers: { 'x-api-key': ROUTES_TEST_API_KEY, 'transfer-encoding': 'chunked' } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      for (let i = 0; i < 64; i++) request.write('x'.repeat(1024));
      request.end();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('gives /allocate_task its own, larger limit (MAX_ALLOCATE_TASK_BODY_BYTES)', async () => {
    const worker = await server({ MAX_REQUEST_BODY_BYTES: '4096', MAX_ALLOCATE_TASK_BODY_BYTES: '8192' });
    const medium = JSON.stringify([{ padding: 'x'.repeat(6000) }]);
    expect((await worker.request('/allocate_task', { method: 'POST', body: medium, headers: { 'content-type': 'application/json' } })).status).toBe(422);
    expect((await worker.request('/kill_task', { method: 'POST', body: medium, headers: { 'content-type': 'application/json' } })).status).toBe(413);
    const large = JSON.stringify([{ padding: 'x'.repeat(9000) }]);
    expect((await worker.request('/allocate_task', { method: 'POST', body: large, headers: { 'content-type': 'application/json' } })).status).toBe(413);
  });
});

describe('MAX_QUEUED_TASKS', () => {
  it('answers 429 with retry-after once the queue is full, creates nothing for a refused request, and loses no accepted task', async () => {
    const worker = await server({ MAX_QUEUED_TASKS: '2' });
    // One task runs (held), two wait: the queue is full.
    for (let i = 0; i < 3; i++) expect((await worker.request('/allocate_task', { method: 'POST', json: [await issuedTask()] })).status).toBe(202);
    expect(worker.worker.health()).toEqual({ healthy: true, taskRunning: true, queuedTasks: 2 });

    const before = await taskCount();
    const inference = await worker.request('/inference', { method: 'POST', json: { endpoint_name: 'hold', input_parameters: { name: ['x'] } } });
    expect(inference.status).toBe(429);
    expect(inference.headers.get('retry-after')).toBe('30');
    expect(await inference.json()).toMatchObject({ success: false, code: 'QUEUE_FULL', error: expect.stringContaining('queue is full') });
    // Refused before the control plane was asked: no task was created for it.
    expect(await taskCount()).toBe(before);

    const refused = [await issuedTask()];
    const allocate = await worker.request('/allocate_task', { method: 'POST', json: refused });
    expect(allocate.status).toBe(429);
    expect(allocate.headers.get('retry-after')).toBe('30');
    expect(worker.worker.health()).toEqual({ healthy: true, taskRunning: true, queuedTasks: 2 });

    // Every accepted task still runs.
    for (let round = 0; round < 3; round++) {
      while (worker.held.started.length < round + 1) await new Promise((resolve) => setTimeout(resolve, 10));
      worker.held.releaseAll();
    }
    await worker.worker.idle();
    expect(worker.held.started).toHaveLength(3);
    expect(worker.held.started).not.toContain(refused[0]?.task_id);
  });

  it('refuses a task list that does not fit as a whole, taking none of it', async () => {
    const worker = await server({ MAX_QUEUED_TASKS: '2' });
    expect((await worker.request('/allocate_task', { method: 'POST', json: [await issuedTask()] })).status).toBe(202);
    const three = [await issuedTask(), await issuedTask(), await issuedTask()];
    expect((await worker.request('/allocate_task', { method: 'POST', json: three })).status).toBe(429);
    expect(worker.worker.health()).toMatchObject({ queuedTasks: 0 });
    expect((await worker.request('/allocate_task', { method: 'POST', json: three.slice(0, 2) })).status).toBe(202);
    expect(worker.worker.health()).toMatchObject({ queuedTasks: 2 });
  });

  it('never lets concurrent requests overfill the queue', async () => {
    const worker = await server({ MAX_QUEUED_TASKS: '2' });
    const before = await taskCount();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => worker.request('/inference', { method: 'POST', json: { endpoint_name: 'hold', input_parameters: { name: ['x'] } } })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 202 || status === 429)).toBe(true);
    const accepted = statuses.filter((status) => status === 202).length;
    // At most one running and two waiting; each refused request created no task.
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect(accepted).toBeLessThanOrEqual(3);
    expect(await taskCount()).toBe(before + accepted);
    const health = worker.worker.health();
    expect(health.healthy && health.queuedTasks).toBeLessThanOrEqual(2);
  });
});
