import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { localHttpContext, localLambdaContext, toLambdaEvent } from './lambda-event.js';

/** What toLambdaEvent reads of a request. */
const request = (headers: Record<string, string | string[]>) =>
  ({ headers, method: 'GET', httpVersion: '1.1', socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;

describe('toLambdaEvent', () => {
  it('builds the HTTP API (payload v2) event of a request, query and time included', () => {
    const before = Date.now();
    const event = toLambdaEvent(request({ host: 'localhost:8080', 'user-agent': 'curl/8', cookie: 'a=1' }), new URL('http://localhost/tasks?x=1&x=2&y=3'), Buffer.alloc(0), 'GET /tasks', {});
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /tasks',
      rawPath: '/tasks',
      rawQueryString: 'x=1&x=2&y=3',
      queryStringParameters: { x: '1,2', y: '3' },
      pathParameters: undefined,
      body: undefined,
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/tasks', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' }, domainName: 'localhost:8080' },
    });
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.time).toBe(new Date(event.requestContext.timeEpoch).toISOString());
  });

  it('gives every request its own id', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add(toLambdaEvent(request({}), new URL('http://localhost/health'), Buffer.alloc(0), 'GET /health', {}).requestContext.requestId);
    for (let i = 0; i < 1000; i++) ids.add(localHttpContext('GET /health').awsRequestId);
    expect(ids.size).toBe(2000);
  });

  it('passes a binary body as base64 and a text body as text', () => {
    const binary = toLambdaEvent(request({ 'content-type': 'application/octet-stream' }), new URL('http://localhost/up'), Buffer.from([0, 255]), 'POST /up', {});
    expect([binary.body, binary.isBase64Encoded]).toEqual(['AP8=', true]);
    const text = toLambdaEvent(request({ 'content-type': 'application/json' }), new URL('http://localhost/up'), Buffer.from('{"a":1}'), 'POST /up', {});
    expect([text.body, text.isBase64Encoded]).toEqual(['{"a":1}', false]);
  });
});

describe('local contexts', () => {
  it("gives the shim's HTTP requests no deadline (so middy arms no timer), and the task runner one", () => {
    expect('getRemainingTimeInMillis' in localHttpContext('GET /health')).toBe(false);
    expect(localHttpContext('GET /health').functionName).toBe('GET /health');
    expect(localLambdaContext('run-task').getRemainingTimeInMillis()).toBeGreaterThan(24 * 3600 * 1000);
  });
});
