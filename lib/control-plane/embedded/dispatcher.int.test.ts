import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyOf, startTestControlPlane, type TestControlPlane } from '../../../test/support/control-plane.js';
import { recording } from '../../../test/support/run-recording.js';
import { eventually } from '../../../test/support/processes.js';
import { startWorkerRoutesServer } from '../../../test/support/worker-routes-server.js';

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function masterPlane(): Promise<TestControlPlane> {
  const plane = await startTestControlPlane({ settings: { CONTROL_PLANE_MODE: 'master', WORKER_HEALTH_INTERVAL_SECONDS: '0.1', WORKER_LOST_AFTER_MISSES: '2' } });
  opened.push(plane);
  await plane.writeRecording('quick', recording('about:blank', [], { tag: [] }));
  return plane;
}

/** A worker stand-in: healthy and idle, keeping what /allocate_task brings. */
async function fakeWorker(): Promise<{ port: number; allocated: Record<string, unknown>[][]; server: Server }> {
  const allocated: Record<string, unknown>[][] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/allocate_task') {
        allocated.push(JSON.parse(raw) as Record<string, unknown>[]);
        response.writeHead(202).end('{}');
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'healthy', task_running: false, queued_tasks: 0 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))) });
  return { port: (server.address() as AddressInfo).port, allocated, server };
}

const register = (plane: TestControlPlane, body: unknown) =>
  fetch(new URL('/register_child', plane.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const infer = async (plane: TestControlPlane, tag: string) => {
  const response = await plane.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: { tag: [tag] } } });
  return (JSON.parse(((await response.json()) as { task: string }).task) as { task_id: string }).task_id;
};

describe('the control plane as master', () => {
  it('has no /register_child when standalone', async () => {
    const plane = await startTestControlPlane();
    opened.push(plane);
    expect((await register(plane, { task_arn: 'a', private_ip: '127.0.0.1', port: 1 })).status).toBe(404);
  });

  it('refuses a registration naming the bad field', async () => {
    const plane = await masterPlane();
    const response = await register(plane, { task_arn: 'a', private_ip: 'not-an-ip', port: 1 });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await bodyOf(response))).toContain('private_ip');
  });

  it('hands a queued task, with its credentials, to a registered worker; requeues it when the worker is lost', async () => {
    const plane = await masterPlane();
    const first = await fakeWorker();
    expect((await register(plane, { task_arn: 'arn:first', private_ip: '127.0.0.1', port: first.port })).status).toBe(200);
    const taskId = await infer(plane, 'one');

    await eventually(async () => first.allocated.length, (count) => count === 1);
    expect(first.allocated[0]).toEqual([expect.objectContaining({ task_id: taskId, api_key: plane.settings.API_KEY, automation: expect.any(Object) })]);
    expect(await bodyOf(await plane.request(`/api/v1/tasks/${taskId}`))).toMatchObject({ status: 'allocated' });

    // The worker stops answering: after two missed checks its task goes to the next worker.
    first.server.closeAllConnections();
    await new Promise((resolve) => first.server.close(resolve));
    const second = await fakeWorker();
    await register(plane, { task_arn: 'arn:second', private_ip: '127.0.0.1', port: second.port });
    await eventually(async () => second.allocated.length, (count) => count === 1);
    expect(second.allocated[0]?.[0]).toMatchObject({ task_id: taskId });
  });

  it('calls the workers with the fleet\'s API_KEY: a worker with that key takes the task, one with another key refuses it', async () => {
    const plane = await masterPlane();
    // A real worker route table with a different key: its /health and /allocate_task answer 401.
    const stranger = await startWorkerRoutesServer(plane, { API_KEY: 'some-other-fleet-key' });
    opened.push(stranger);
    await register(plane, { task_arn: 'arn:stranger', private_ip: '127.0.0.1', port: Number(new URL(stranger.url).port) });
    const taskId = await infer(plane, 'keyed');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stranger.held.started).toEqual([]);
    // Each refused try is marked allocated while it is made, then queued again.
    await eventually(async () => ((await bodyOf(await plane.request(`/api/v1/tasks/${taskId}`))) as { status: string }).status, (status) => status === 'queued');
    expect(stranger.held.started).toEqual([]);

    // The same settings on both sides: the worker takes the task.
    await stranger.close();
    opened.splice(opened.indexOf(stranger), 1);
    const member = await startWorkerRoutesServer(plane, { API_KEY: plane.settings.API_KEY });
    opened.push(member);
    await register(plane, { task_arn: 'arn:member', private_ip: '127.0.0.1', port: Number(new URL(member.url).port) });
    await eventually(async () => member.held.started, (started) => started.includes(taskId));
  });

  it('sends x-api-key on /health and /allocate_task', async () => {
    const plane = await masterPlane();
    const keys: string[] = [];
    const server = createServer((request, response) => {
      keys.push(`${request.url} ${String(request.headers['x-api-key'])}`);
      request.resume().on('end', () => {
        if (request.url === '/allocate_task') response.writeHead(202).end('{}');
        else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'healthy', task_running: false, queued_tasks: 0 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    opened.push({ close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))) });
    await register(plane, { task_arn: 'arn:keys', private_ip: '127.0.0.1', port: (server.address() as AddressInfo).port });
    await infer(plane, 'keys');
    await eventually(async () => keys, (seen) => seen.some((line) => line.startsWith('/allocate_task')));
    expect(new Set(keys.map((line) => line.split(' ')[1]))).toEqual(new Set([plane.settings.API_KEY]));
  });
});
