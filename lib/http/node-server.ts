import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { describeError } from './error-status.js';
import type { HttpRouteHandler } from './create-http-handler.js';
import { localHttpContext, toLambdaEvent } from './lambda-event.js';
import { payloadTooLarge } from './limit-body-size.js';
import { requestUrl } from './request-url.js';
import { jsonResponse, type HttpResult } from './responses.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * One route: `path` uses API Gateway syntax (`/tasks/{task_id}`, `/files/{proxy+}`);
 * `maxBodyBytes` may be read per request (a limit taken from the settings).
 */
export type Route = { method: HttpMethod; path: string; handler: HttpRouteHandler; maxBodyBytes?: number | (() => number) };

type CompiledRoute = Route & { pattern: RegExp; names: string[] };
type RouteMatch = { route: CompiledRoute; params: Record<string, string> | undefined };

export type NodeServerOptions = { maxBodyBytes?: number; logger?: Logger; name?: string };

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/**
 * After a body passes its limit, this much more is read and dropped (or for this long) before
 * the 413 is sent: closing while the client still sends would reset the connection, and the
 * client would see the reset instead of the answer.
 */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_MAX_MS = 5_000;

/**
 * A node:http server that routes each request to a Lambda-style handler. It does not listen:
 * callers (and tests) choose the port.
 */
export function createNodeServer(routes: Route[], options: NodeServerOptions = {}): Server {
  const compiled = routes.map(compileRoute);
  // Most requests are for a literal path: looked up at once, the patterns only tried when no
  // literal route has the method. A literal route wins over a pattern that also matches, as API
  // Gateway picks the most specific route for the method.
  const literal = new Map<string, RouteMatch[]>();
  for (const route of compiled) if (route.names.length === 0) literal.set(route.path, [...(literal.get(route.path) ?? []), { route, params: NO_PARAMS }]);
  const patterns = compiled.filter((route) => route.names.length > 0);
  const findRoutes = (pathname: string, method: string): RouteMatch[] => {
    const exact = literal.get(pathname) ?? (pathname.endsWith('/') ? literal.get(pathname.slice(0, -1)) : undefined) ?? [];
    if (exact.some((m) => m.route.method === method)) return exact;
    return [...exact, ...patterns.map((route) => ({ route, params: matchPath(route, pathname) })).filter((m) => m.params)];
  };
  const logger = options.logger ?? createLogger({ bindings: { component: options.name ?? 'http' } });
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('unhandled error in request', { error });
      if (!res.headersSent) send(res, describeErrorResult(new AppError('INTERNAL', 'Internal error')));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    if (!url) {
      req.resume();
      send(res, describeErrorResult(new AppError('NOT_FOUND', 'The request target is not a valid path')));
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const matches = findRoutes(url.pathname, method);
    const match = matches.find((m) => m.route.method === method);
    if (!match?.params) {
      req.resume();
      if (matches.length === 0) return send(res, describeErrorResult(new AppError('NOT_FOUND', `No route for ${method} ${url.pathname}`)));
      // A 405 names the methods the path has (RFC 9110, 15.5.6).
      const allow = [...new Set(matches.map((m) => m.route.method))].join(', ');
      const refused = describeErrorResult(new AppError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`));
      send(res, { ...refused, headers: { ...refused.headers, allow } });
      return;
    }
    const routeLimit = typeof match.route.maxBodyBytes === 'function' ? match.route.maxBodyBytes() : match.route.maxBodyBytes;
    const limit = routeLimit ?? options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    // Most requests (every GET) carry no body: nothing to wait for.
    let body: Buffer | undefined = EMPTY_BODY;
    if (hasBody(req)) body = await readBody(req, limit);
    else req.resume();
    if (body === undefined) {
      send(res, describeErrorResult(payloadTooLarge(limit)), true);
      return;
    }
    const routeKey = `${match.route.method} ${match.route.path}`;
    const event = toLambdaEvent(req, url, body, routeKey, match.params);
    const result = await match.route.handler(event, localHttpContext(routeKey));
    send(res, result);
  }

  return server;
}

function describeErrorResult(error: AppError): HttpResult {
  const { status, body, headers } = describeError(error);
  return jsonResponse(status, body, headers);
}

function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy?.[1]) {
        names.push(greedy[1]);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}/?$`), names };
}

function matchPath(route: CompiledRoute, pathname: string): Record<string, string> | undefined {
  const found = route.pattern.exec(pathname);
  if (!found) return undefined;
  const params: Record<string, string> = {};
  route.names.forEach((name, index) => {
    const raw = found[index + 1] ?? '';
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      params[name] = raw;
    }
  });
  return params;
}

const EMPTY_BODY = Buffer.alloc(0);
const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** HTTP/1.1 frames a request body with one of these two headers; without them there is none. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads the whole body, or answers undefined once it has passed the limit (nothing more is
 * kept) and the rest was drained, within DRAIN_MAX_BYTES and DRAIN_MAX_MS.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const settle = (value: Buffer | undefined) => {
      clearTimeout(drainTimer);
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) {
        if (size - limit > DRAIN_MAX_BYTES) settle(undefined);
        return;
      }
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        drainTimer = setTimeout(() => settle(undefined), DRAIN_MAX_MS);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', (error) => {
      if (tooLarge) settle(undefined);
      else if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}

function send(res: ServerResponse, result: HttpResult, closeConnection = false): void {
  const headers: Record<string, string | string[]> = {};
  // The length is the shim's to state: it is what lets a keep-alive client read the answer in one go.
  for (const [name, value] of Object.entries(result.headers ?? {})) if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  if (closeConnection) headers.connection = 'close';
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  // A 204 or 304 carries no body and must not state a length (RFC 9110, 8.6).
  if (result.statusCode !== 204 && result.statusCode !== 304) headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(result.statusCode, headers);
  res.end(body);
}
