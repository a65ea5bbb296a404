import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcesses } from '../../lib/automation/browser/browser-process.js';
import { bodyOf, startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../../test/support/control-plane.js';
import { eventually } from '../../test/support/processes.js';
import { recording } from '../../test/support/run-recording.js';
import { tempDir } from '../../test/support/task-fixture.js';

/**
 * An ECS fleet on loopback: the embedded control plane as master, two `npm start -- --ecs`
 * processes, each with its own fake task-metadata endpoint, and a stub of the ECS API that
 * records UpdateTaskProtection. Nothing leaves 127.0.0.1.
 */
const scratch = tempDir('ecs-fleet-test-');
const servers: Server[] = [];
let master: TestControlPlane;
/** Every UpdateTaskProtection the workers sent, in arrival order. */
const protectionCalls: { tasks: string[]; protectionEnabled: boolean; expiresInMinutes?: number }[] = [];
let ecsEndpoint: string;

type Worker = { child: ChildProcess; taskArn: string; url: string; logs: Record<string, unknown>[]; exited: Promise<unknown> };
const workers: Worker[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port free right now, for a worker that must know its own port before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startEcsWorker(name: string): Promise<Worker> {
  const port = await freePort();
  const taskArn = `arn:aws:ecs:eu-west-1:123456789012:task/fleet/${name}`;
  const metadata = await listen((request, response) => {
    const task = {
      Cluster: 'fleet',
      TaskARN: taskArn,
      Containers: [{ Name: 'worker', Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['127.0.0.1'] }], Ports: [{ ContainerPort: port, HostPort: port, Protocol: 'tcp' }] }],
    };
    response.writeHead(request.url === '/v4/meta/task' ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(task));
  });
  const envPath = join(scratch, `${name}.env`);
  writeFileSync(
    envPath,
    [
      `API_KEY=${TEST_API_KEY}`,
      'DEPLOYMENT=dev',
      // host:port without a scheme, as the original's AWS mode requires.
      `SERVER_URL=${new URL(master.url).host}`,
      'EMBEDDED_CONTROL_PLANE=off',
      `DATA_DIR=${join(scratch, name)}`,
      `CHILD_PORT_OFFSET=${port}`,
      'KEEP_TASK_FILES=false',
      ...(process.env.CHROMIUM_PATH ? [`CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`] : []),
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', '--ecs', '--port', String(port)], {
    cwd: new URL('../..', import.meta.url),
    env: {
      ...process.env,
      ENV_PATH: envPath,
      LOG_LEVEL: 'info',
      ECS_CONTAINER_METADATA_URI_V4: `${metadata}/v4/meta`,
      AWS_ENDPOINT_URL_ECS: ecsEndpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const logs: Record<string, unknown>[] = [];
  const registered = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'registered with the master') resolve();
      } catch {
        logs.push({ msg: line });
      }
    });
    void exited.then((code) => reject(new Error(`worker ${name} exited with ${String(code)} before registering: ${JSON.stringify(logs)}`)));
  });
  const worker = { child, taskArn, url: `http://127.0.0.1:${port}`, logs, exited };
  workers.push(worker);
  await registered;
  return worker;
}

const ranOn = (worker: Worker) => new Set(worker.logs.filter((entry) => entry.msg === 'task started').map((entry) => String(entry.task_id)));
const taskOf = async (taskId: string) => (await bodyOf(await master.request(`/api/v1/tasks/${taskId}`))) as Record<string, unknown>;
async function infer(endpointName: string, tag: string): Promise<string> {
  const response = await master.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: endpointName, input_parameters: { tag: [tag] } } });
  expect(response.status).toBe(200);
  return (JSON.parse(((await response.json()) as { task: string }).task) as { task_id: string }).task_id;
}
const ended = (taskId: string, timeoutMs: number) =>
  eventually(() => taskOf(taskId), (task) => ['success', 'failed', 'cancelled', 'killed'].includes(String(task.status)), timeoutMs);

beforeAll(async () => {
  ecsEndpoint = await listen((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      if (String(request.headers['x-amz-target']).endsWith('.UpdateTaskProtection')) protectionCalls.push(JSON.parse(raw) as (typeof protectionCalls)[number]);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ protectedTasks: [], failures: [] }));
    });
  });
  master = await startTestControlPlane({ settings: { CONTROL_PLANE_MODE: 'master', WORKER_HEALTH_INTERVAL_SECONDS: '0.25', WORKER_LOST_AFTER_MISSES: '3' } });
  const quiet = { take_final_screenshot: false };
  await master.writeRecording('short', recording('about:blank', [{ type: 'action_node', sleep_action: { sleep_time: 0.3 } }], { tag: [] }, quiet));
  await master.writeRecording('long', recording('about:blank', [{ type: 'action_node', sleep_action: { sleep_time: 4 } }], { tag: [] }, quiet));
  await Promise.all([startEcsWorker('a'), startEcsWorker('b')]);
}, 60_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.exited));
  await master?.close();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(scratch, { recursive: true, force: true });
});

describe('an ECS fleet behind the embedded control plane as master', () => {
  it('serves no /inference on an ECS worker', async () => {
    const [worker] = workers;
    const response = await fetch(new URL('/inference', worker?.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
  });

  it('spreads ten inferences over both workers, and every one succeeds', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, (_, index) => infer('short', `spread-${index}`)));
    const tasks = await Promise.all(ids.map((id) => ended(id, 40_000)));
    expect(tasks.map((task) => task.status)).toEqual(Array(10).fill('success'));
    const [a, b] = workers as [Worker, Worker];
    expect(ranOn(a).size).toBeGreaterThan(0);
    expect(ranOn(b).size).toBeGreaterThan(0);
    expect(ranOn(a).size + ranOn(b).size).toBe(10);

    // Each worker protected itself from scale-in while it ran, and released it when idle.
    await eventually(async () => protectionCalls.length, () => workers.every((worker) => protectionCalls.filter((call) => call.tasks[0] === worker.taskArn).at(-1)?.protectionEnabled === false));
    for (const worker of workers) {
      const calls = protectionCalls.filter((call) => call.tasks[0] === worker.taskArn);
      expect(calls[0]).toMatchObject({ protectionEnabled: true, expiresInMinutes: 15 });
    }
  }, 60_000);

  it('queues the task of a worker killed mid-run again and finishes it on the other one', async () => {
    const taskId = await infer('long', 'killed-mid-run');
    const running = await eventually(
      async () => workers.find((worker) => ranOn(worker).has(taskId)),
      (worker) => worker !== undefined,
      15_000,
    );
    const victim = running as Worker;
    const survivor = workers.find((worker) => worker !== victim) as Worker;
    // SIGKILL leaves the victim's browser behind; its process group is ended with it.
    const browsers = (await listProcesses()).filter((info) => info.ppid === victim.child.pid && /chrom/i.test(info.name));
    victim.child.kill('SIGKILL');
    await victim.exited;
    for (const browser of browsers) {
      try {
        process.kill(-browser.pgid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }

    const task = await ended(taskId, 30_000);
    expect(task.status).toBe('success');
    expect(ranOn(survivor).has(taskId)).toBe(true);
  }, 60_000);
});
