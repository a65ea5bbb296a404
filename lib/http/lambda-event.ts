import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

const TEXT_CONTENT = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/i;

/**
 * Request ids, unique per process (a random prefix) and across its requests (a counter): a UUID
 * per request cost the local shim more than the rest of the event together.
 */
const ID_PREFIX = randomUUID().slice(0, 8);
let lastId = 0;
function nextRequestId(): string {
  lastId += 1;
  return `${ID_PREFIX}-${lastId.toString(36)}`;
}

/** The request time as API Gateway's `time`; formatting it once per millisecond is enough. */
let lastTime = { epoch: 0, text: '' };
function timeText(epoch: number): string {
  if (lastTime.epoch !== epoch) lastTime = { epoch, text: new Date(epoch).toISOString() };
  return lastTime.text;
}

/**
 * Turns a node:http request into the API Gateway HTTP API (payload v2) event Lambda would get,
 * so the local shim calls the very same handler exports.
 */
export function toLambdaEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  if (url.search.length > 1) for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const isText = body.length === 0 || TEXT_CONTENT.test(headers['content-type'] ?? 'application/json');
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: nextRequestId(),
      routeKey,
      stage: '$default',
      time: timeText(now),
      timeEpoch: now,
    },
    body: body.length === 0 ? undefined : isText ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/**
 * The largest delay a Node timer holds; middy arms a timer for the remaining time, and a larger
 * value would fire after 1 ms (a "timeout" on every request).
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A Lambda context for in-process calls; there is no deadline outside Lambda. */
export function localLambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '0',
    awsRequestId: nextRequestId(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => MAX_TIMER_MS,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * The context of a request the local shim serves: a local context without a deadline. Outside
 * Lambda there is none, and without getRemainingTimeInMillis middy arms no timeout timer for
 * the request (one per request cost the shim a tenth of its throughput). HTTP handlers never
 * read the deadline; the task runner, which does, gets localLambdaContext.
 */
export function localHttpContext(functionName: string): Context {
  const { getRemainingTimeInMillis: _noDeadline, ...context } = localLambdaContext(functionName);
  return context as Context;
}
