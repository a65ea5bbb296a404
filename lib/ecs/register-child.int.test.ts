import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { registerChild, registerChildUrl } from './register-child.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

describe('registerChildUrl', () => {
  it('prepends http:// to host:port, as the original does, and keeps a full URL', () => {
    expect(registerChildUrl('master.internal:8000')).toBe('http://master.internal:8000/register_child');
    expect(registerChildUrl('https://master.example/api/')).toBe('https://master.example/register_child');
  });
});

describe('registerChild', () => {
  it('retries with backoff, logging each failure, until the master accepts', async () => {
    const bodies: unknown[] = [];
    const server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        bodies.push(JSON.parse(raw));
        response.writeHead(bodies.length < 3 ? 503 : 200).end('{}');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const body = { task_arn: 'arn:aws:ecs:eu-west-1:1:task/c/1', private_ip: '10.0.0.9', port: 32768 };

    const registered = await registerChild({ serverUrl: `127.0.0.1:${(server.address() as AddressInfo).port}`, body, logger, baseDelayMs: 10 });

    expect(registered).toBe(true);
    expect(bodies).toEqual([body, body, body]);
    expect(lines.filter((line) => line.msg === 'register_child refused; retrying').map((line) => line.attempt)).toEqual([1, 2]);
    server.close();
  });

  it('stops retrying when aborted', async () => {
    const controller = new AbortController();
    const logger = createLogger({ level: 'error', sink: () => undefined });
    // A port nothing listens on: every attempt fails at once.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    setTimeout(() => controller.abort(), 100);
    const registered = await registerChild({
      serverUrl: `http://127.0.0.1:${port}`,
      body: { task_arn: 'a', private_ip: '10.0.0.1', port: 1 },
      logger,
      signal: controller.signal,
      baseDelayMs: 20,
      maxDelayMs: 40,
    });
    expect(registered).toBe(false);
  });
});
