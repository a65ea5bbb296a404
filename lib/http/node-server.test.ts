import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { createNodeServer, type Route } from './node-server.js';
import { jsonResponse } from './responses.js';

/** Each route answers what it was given, so a test sees what the shim passed on. */
const echo = (name: string): Route['handler'] => async (event) =>
  jsonResponse(200, { route: name, body: event.body ?? null, base64: event.isBase64Encoded, params: event.pathParameters ?? null });

const routes: Route[] = [
  { method: 'GET', path: '/items/{item_id}', handler: echo('item by id') },
  { method: 'PUT', path: '/items/{item_id}', handler: echo('store item') },
  { method: 'GET', path: '/items/latest', handler: echo('latest item') },
  { method: 'GET', path: '/health', handler: echo('health') },
  { method: 'POST', path: '/upload', handler: echo('upload'), maxBodyBytes: 64 },
  { method: 'GET', path: '/binary', handler: async () => ({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 255, 1, 254, 2]).toString('base64'), isBase64Encoded: true }) },
];

let server: Server;
let base: string;

beforeAll(async () => {
  server = createNodeServer(routes, { logger: createLogger({ level: 'error', sink: () => {} }) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** A request sent with node:http, so the test decides exactly how (and whether) a body is framed. */
function send(method: string, path: string, options: { headers?: Record<string, string>; chunks?: string[] } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

const json = (answer: RawAnswer) => JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

describe('createNodeServer', () => {
  it('frames every answer with its content-length, never chunked, so a keep-alive client reads it in one go', async () => {
    const answer = await send('GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.headers['transfer-encoding']).toBeUndefined();
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(json(answer)).toMatchObject({ route: 'health', body: null });
  });

  it('counts the bytes of a binary answer, not the characters of its base64', async () => {
    const answer = await send('GET', '/binary');
    expect([...answer.body]).toEqual([0, 255, 1, 254, 2]);
    expect(answer.headers['content-length']).toBe('5');
  });

  it('passes no body for a request without one, and keeps serving on the same connection', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await fetch(`${base}/health`).then((res) => res.json() as Promise<Record<string, unknown>>));
    expect(answers.map((answer) => answer.body)).toEqual([null, null, null]);
  });

  it('still reads a body framed by content-length or sent chunked, whatever the method', async () => {
    const framed = await send('GET', '/health', { headers: { 'content-type': 'application/json', 'content-length': '9' }, chunks: ['{"a":"b"}'] });
    expect(json(framed).body).toBe('{"a":"b"}');
    const chunked = await send('POST', '/upload', { headers: { 'content-type': 'text/plain' }, chunks: ['part one, ', 'part two'] });
    expect(json(chunked)).toMatchObject({ route: 'upload', body: 'part one, part two', base64: false });
  });

  it('answers 413 for a chunked body past the route limit', async () => {
    const answer = await send('POST', '/upload', { headers: { 'content-type': 'text/plain' }, chunks: ['x'.repeat(40), 'y'.repeat(40)] });
    expect(answer.status).toBe(413);
  });

  it('prefers a literal route over a pattern that also matches for the method, and leaves other methods to the pattern', async () => {
    expect(json(await send('GET', '/items/latest')).route).toBe('latest item');
    expect(json(await send('GET', '/items/latest/')).route).toBe('latest item');
    expect(json(await send('GET', '/items/a%20b'))).toMatchObject({ route: 'item by id', params: { item_id: 'a b' } });
    // The literal route has no PUT: the pattern's PUT is the route for it.
    expect(json(await send('PUT', '/items/latest'))).toMatchObject({ route: 'store item', params: { item_id: 'latest' } });
  });

  it('tells a wrong method (405) from an unknown path (404) on literal routes', async () => {
    const refused = await send('POST', '/health');
    expect([refused.status, refused.headers.allow]).toEqual([405, 'GET']);
    expect((await send('DELETE', '/items/latest')).headers.allow).toBe('GET, PUT');
    expect((await send('GET', '/nowhere')).status).toBe(404);
    expect((await send('GET', '/health/')).status).toBe(200);
  });
});
