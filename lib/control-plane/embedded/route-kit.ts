import type { MiddlewareObj } from '@middy/core';
import type { Settings } from '../../config/settings.js';
import { AppError, ValidationError } from '../../errors.js';
import { createHttpHandler, type HttpEvent, type HttpRouteHandler } from '../../http/create-http-handler.js';
import type { HttpMethod, Route } from '../../http/node-server.js';
import { problemsFromZod } from '../../http/problems.js';
import { presentedApiKey, requireApiKey } from '../../http/require-api-key.js';
import { jsonResponse, type HttpResult } from '../../http/responses.js';
import type { Logger } from '../../log/logger.js';
import type * as z from 'zod';
import type { CallbackDelivery } from './callback-delivery.js';
import type { Dispatcher } from './dispatcher.js';
import type { IdempotencyStore } from './idempotency-store.js';
import type { Recordings } from './recordings.js';
import type { TaskFiles } from './task-files.js';
import type { TaskStore } from './task-store.js';
import type { UploadUrlSigner } from './upload-urls.js';

/** What every route of the embedded control plane is built from. */
export type ControlPlaneDeps = {
  settings: Settings;
  logger: Logger;
  store: TaskStore;
  files: TaskFiles;
  recordings: Recordings;
  callbacks: CallbackDelivery;
  /** Signed upload URLs of the current protocol: how long they last, how much one PUT may hold. */
  uploads: { signer: UploadUrlSigner; ttlSeconds: number; maxBytes: number };
  /** Folder of the static example pages. */
  examplesDir: string;
  /** Master mode (CONTROL_PLANE_MODE=master): hands created tasks to registered workers. */
  dispatcher?: Dispatcher;
  now: () => Date;
};

export type RouteSpec = { method: HttpMethod; path: string; maxBodyBytes?: number };

// The same key check guards the worker's routes; both answer one 401 shape.
export { presentedApiKey, requireApiKey };

/** The path a worker reaches for an endpoint setting: `urljoin(SERVER_URL, endpoint)`. */
export function endpointPath(settings: Pick<Settings, 'SERVER_URL'>, endpoint: string): string {
  return new URL(endpoint, settings.SERVER_URL).pathname;
}

/** An endpoint setting with `{name}` placeholders (`api/v1/recording/{recording_id}`) as a route path. */
export function endpointPattern(settings: Pick<Settings, 'SERVER_URL'>, endpoint: string): string {
  // URL resolution percent-encodes the braces; the route syntax needs them back.
  return endpointPath(settings, endpoint).replace(/%7B(\w+)%7D/gi, '{$1}');
}

/** Fixed paths (`/api/v1/tasks`, `/examples`) under SERVER_URL's own path, as the original's `rstrip('/')` join. */
export function basePath(settings: Pick<Settings, 'SERVER_URL'>, path: string): string {
  return `${new URL(settings.SERVER_URL).pathname.replace(/\/+$/, '')}${path}`;
}

/** A route behind the `x-api-key` check; errors map through the one status table. */
export function protectedRoute(deps: Pick<ControlPlaneDeps, 'settings' | 'logger'>, spec: RouteSpec, fn: HttpRouteHandler): Route {
  return { ...spec, handler: createHttpHandler(fn, deps.logger).use(requireApiKey(deps.settings.API_KEY)) };
}

/**
 * A worker report: behind the `x-api-key` check, and answered from the store when its
 * `Idempotency-Key` was already answered with a 2xx on this route (nothing is applied again).
 */
export function reportRoute(deps: Pick<ControlPlaneDeps, 'settings' | 'logger' | 'store' | 'now'>, spec: RouteSpec, fn: HttpRouteHandler): Route {
  return {
    ...spec,
    handler: createHttpHandler(fn, deps.logger)
      .use(requireApiKey(deps.settings.API_KEY))
      .use(replayIdempotentAnswers(deps.store.idempotency, `${spec.method} ${spec.path}`, deps.now)),
  };
}

/** A route anyone may call (health, example pages). */
export function publicRoute(deps: Pick<ControlPlaneDeps, 'logger'>, spec: RouteSpec, fn: HttpRouteHandler): Route {
  return { ...spec, handler: createHttpHandler(fn, deps.logger) };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Middleware: replays a stored 2xx answer for a known `Idempotency-Key`, stores new 2xx answers. */
export function replayIdempotentAnswers(store: IdempotencyStore, route: string, now: () => Date): MiddlewareObj<HttpEvent, HttpResult> {
  const keyOf = (event: HttpEvent): string | undefined => {
    const key = event.headers?.['idempotency-key'];
    if (key === undefined || key === '') return undefined;
    if (!IDEMPOTENCY_KEY.test(key)) {
      const message = 'must be 1-255 visible ASCII characters';
      throw new ValidationError(`Invalid Idempotency-Key header: ${message}`, [{ path: 'headers.idempotency-key', message }]);
    }
    return key;
  };
  return {
    before: (request) => {
      const key = keyOf(request.event);
      const answer = key === undefined ? undefined : store.find(route, key, now());
      if (answer) return jsonResponse(answer.status, JSON.parse(answer.body), { 'idempotent-replayed': 'true' });
      return undefined;
    },
    after: (request) => {
      const key = keyOf(request.event);
      const { response } = request;
      if (key === undefined || !response || response.statusCode < 200 || response.statusCode >= 300 || typeof response.body !== 'string') return;
      store.save(route, key, { status: response.statusCode, body: response.body }, now());
    },
  };
}

/** A path parameter the route pattern guarantees. */
export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new AppError('INTERNAL', `route has no path parameter "${name}"`);
  return value;
}

/** The query string validated like a body; problems name the parameter. */
export function parseQuery<S extends z.ZodType>(event: HttpEvent, schema: S): z.output<S> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (result.success) return result.data;
  const problems = problemsFromZod(result.error);
  throw new ValidationError(`Invalid query: ${problems[0]?.path}: ${problems[0]?.message}`, problems);
}
