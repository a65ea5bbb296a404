import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../lib/config/settings.js';
import { silentLogger } from '../../lib/log/logger.js';
import { tempDir } from '../../test/support/task-fixture.js';
import { startWorker } from './start-worker.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Answers every request with `body`, keeping each request's path and JSON body. */
async function serve(body: unknown): Promise<{ url: string; received: { path: string; body: unknown }[] }> {
  const received: { path: string; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: raw ? (JSON.parse(raw) as unknown) : null });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const metadataFor = (containerPort: number) => ({
  TaskARN: 'arn:aws:ecs:eu-west-1:123456789012:task/fleet/one',
  Containers: [{ Networks: [{ IPv4Addresses: ['127.0.0.1'] }], NetworkBindings: [{ containerPort, hostPort: 32768 }] }],
});

function ecsSettings(metadataUrl: string, serverUrl: string) {
  return loadSettings({
    API_KEY: 'ecs-start-test-key',
    DEPLOYMENT: 'dev',
    SERVER_URL: serverUrl,
    EMBEDDED_CONTROL_PLANE: 'off',
    DATA_DIR: tempDir('ecs-start-test-'),
    ECS_METADATA_URL: metadataUrl,
    ECS_SCALE_IN_PROTECTION: 'false',
  });
}

describe('npm start -- --ecs', () => {
  it('does not start when the metadata binds nothing to CHILD_PORT_OFFSET, saying so', async () => {
    const metadata = await serve(metadataFor(9100));
    const loaded = ecsSettings(`${metadata.url}/v3/task`, 'http://127.0.0.1:1');
    await expect(startWorker({ loaded, host: '127.0.0.1', port: 0, childProcessId: '0', logger: silentLogger, ecs: true })).rejects.toThrow(
      /no hostPort for containerPort 9000 \(CHILD_PORT_OFFSET\)/,
    );
  });

  it('registers its ARN, private IP and host port with a host:port SERVER_URL, and serves no /inference', async () => {
    const metadata = await serve(metadataFor(9000));
    const masterServer = await serve({ success: true });
    const loaded = ecsSettings(`${metadata.url}/v3/task`, new URL(masterServer.url).host);
    const worker = await startWorker({ loaded, host: '127.0.0.1', port: 0, childProcessId: '0', logger: silentLogger, ecs: true });
    try {
      while (masterServer.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(masterServer.received[0]).toEqual({
        path: '/register_child',
        body: { task_arn: 'arn:aws:ecs:eu-west-1:123456789012:task/fleet/one', private_ip: '127.0.0.1', port: 32768 },
      });
      expect((await fetch(`${worker.workerUrl}/inference`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${worker.workerUrl}/health`)).status).toBe(200);
    } finally {
      await worker.close();
    }
  });
});
