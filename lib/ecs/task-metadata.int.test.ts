import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchTaskMetadata, parseTaskMetadata } from './task-metadata.js';

const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/workers/0123456789abcdef';

/** The v3 shape the original reads: NetworkBindings with lower-case keys. */
const V3_TASK = {
  Cluster: 'workers',
  TaskARN: TASK_ARN,
  Containers: [
    {
      Name: 'worker',
      Networks: [{ NetworkMode: 'bridge', IPv4Addresses: ['10.0.1.17'] }],
      NetworkBindings: [
        { bindIP: '0.0.0.0', containerPort: 8080, hostPort: 32001, protocol: 'tcp' },
        { bindIP: '0.0.0.0', containerPort: 9000, hostPort: 32768, protocol: 'tcp' },
      ],
    },
  ],
};

/** The v4 shape: Ports with capitalised keys. */
const V4_TASK = {
  Cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/workers',
  TaskARN: TASK_ARN,
  Containers: [
    {
      Name: 'worker',
      Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['10.0.2.5'] }],
      Ports: [{ ContainerPort: 9000, Protocol: 'tcp', HostPort: 9000, HostIp: '10.0.2.5' }],
    },
  ],
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Answers `routes[path]` as JSON; anything else 404. Returns the base URL and the paths asked. */
async function serveJson(routes: Record<string, unknown>): Promise<{ url: string; requested: string[] }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    requested.push(request.url ?? '');
    const body = routes[request.url ?? ''];
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requested };
}

describe('fetchTaskMetadata', () => {
  it('reads the task ARN, private IP and host port from the v3 URL', async () => {
    const server = await serveJson({ '/v3/task': V3_TASK });
    const metadata = await fetchTaskMetadata({ v3Url: `${server.url}/v3/task`, containerPort: 9000 });
    expect(metadata).toEqual({ taskArn: TASK_ARN, cluster: 'workers', privateIp: '10.0.1.17', hostPort: 32768 });
  });

  it('prefers ECS_CONTAINER_METADATA_URI_V4 and reads `${uri}/task`', async () => {
    const server = await serveJson({ '/v4/abc/task': V4_TASK, '/v3/task': V3_TASK });
    const metadata = await fetchTaskMetadata({ v4Uri: `${server.url}/v4/abc`, v3Url: `${server.url}/v3/task`, containerPort: 9000 });
    expect(metadata).toMatchObject({ privateIp: '10.0.2.5', hostPort: 9000, cluster: V4_TASK.Cluster });
    expect(server.requested).toEqual(['/v4/abc/task']);
  });

  it('fails start-up naming the container port when no binding matches it', async () => {
    const server = await serveJson({ '/v3/task': V3_TASK });
    await expect(fetchTaskMetadata({ v3Url: `${server.url}/v3/task`, containerPort: 9100 })).rejects.toThrow(/no hostPort for containerPort 9100/);
  });

  it('names the missing field of a malformed answer', () => {
    expect(() => parseTaskMetadata({ Containers: V3_TASK.Containers }, 9000)).toThrow(/TaskARN/);
    const noIp = { ...V3_TASK, Containers: [{ ...V3_TASK.Containers[0], Networks: [{ IPv4Addresses: [] }] }] };
    expect(() => parseTaskMetadata(noIp, 9000)).toThrow(/Containers\.0\.Networks\.0\.IPv4Addresses/);
  });

  it('says where it looked when the endpoint does not answer usefully', async () => {
    const server = await serveJson({});
    await expect(fetchTaskMetadata({ v3Url: `${server.url}/v3/task`, containerPort: 9000 })).rejects.toThrow(`could not be read from ${server.url}/v3/task: HTTP 404`);
  });

  it('gives up after its timeout on an endpoint that never answers', async () => {
    const server = createServer(() => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/task`;
    server.closeAllConnections();
    const started = Date.now();
    await expect(fetchTaskMetadata({ v3Url: url, containerPort: 9000, timeoutMs: 200 })).rejects.toThrow(/could not be read/);
    expect(Date.now() - started).toBeLessThan(2_000);
    server.closeAllConnections();
  });
});
