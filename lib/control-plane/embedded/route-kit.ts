import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { Settings } from '../../config/settings.js';
import { AppError, ValidationError } from '../../errors.js';
import { createHttpHandler, type HttpEvent, type HttpRouteHandler } from '../../http/create-http-handler.js';
import type { HttpMethod, Route } from '../../http/node-server.js';
import { problemsFromZod } from '../../http/problems.js';
import type { HttpResult } from '../../http/responses.js';
import type { Logger } from '../../log/logger.js';
import type { z } from 'zod';
import type { CallbackDelivery } from './callback-delivery.js';
import type { Recordings } from './recordings.js';
import type { TaskFiles } from './task-files.js';
import type { TaskStore } from './task-store.js';

/** What every route of the embedded control plane is built from. */
export type ControlPlaneDeps = {
  settings: Settings;
  logger: Logger;
  store: TaskStore;
  files: TaskFiles;
  recordings: Recordings;
  callbacks: CallbackDelivery;
  /** Folder of the static example pages. */
  examplesDir: string;
  now: () => Date;
};

export type RouteSpec = { method: HttpMethod; path: string; maxBodyBytes?: number };

/** The path a worker reaches for an endpoint setting: `urljoin(SERVER_URL, endpoint)`. */
export function endpointPath(settings: Pick<Settings, 'SERVER_URL'>, endpoint: string): string {
  return new URL(endpoint, settings.SERVER_URL).pathname;
}

/** Fixed paths (`/api/v1/tasks`, `/examples`) under SERVER_URL's own path, as the original's `rstrip('/')` join. */
export function basePath(settings: Pick<Settings, 'SERVER_URL'>, path: string): string {
  return `${new URL(settings.SERVER_URL).pathname.replace(/\/+$/, '')}${path}`;
}

/** A route behind the `x-api-key` check; errors map through the one status table. */
export function protectedRoute(deps: Pick<ControlPlaneDeps, 'settings' | 'logger'>, spec: RouteSpec, fn: HttpRouteHandler): Route {
  return { ...spec, handler: createHttpHandler(fn, deps.logger).use(requireApiKey(deps.settings.API_KEY)) };
}

/** A route anyone may call (health, example pages). */
export function publicRoute(deps: Pick<ControlPlaneDeps, 'logger'>, spec: RouteSpec, fn: HttpRouteHandler): Route {
  return { ...spec, handler: createHttpHandler(fn, deps.logger) };
}

/** Middleware: 401 unless `x-api-key` equals the key, compared in constant time. */
export function requireApiKey(expected: string): MiddlewareObj<HttpEvent, HttpResult> {
  // Comparing digests gives equal lengths, so timingSafeEqual never leaks the key's length.
  const expectedDigest = digest(expected);
  return {
    before: (request) => {
      const presented = presentedApiKey(request.event);
      if (presented === undefined || !timingSafeEqual(digest(presented), expectedDigest)) {
        throw new AppError('UNAUTHORIZED', presented === undefined ? 'Missing x-api-key header' : 'Invalid API key');
      }
    },
  };
}

export function presentedApiKey(event: HttpEvent): string | undefined {
  const value = event.headers?.['x-api-key'];
  return value === undefined || value === '' ? undefined : value;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
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
