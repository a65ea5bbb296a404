import { getSettings, type Settings } from '../config/settings.js';
import { createHttpHandler, type HttpRouteHandler } from './create-http-handler.js';
import { limitBodySize } from './limit-body-size.js';
import { requireApiKey } from './require-api-key.js';

export type WorkerHandlerOptions = {
  /** The body limit of this route, from the settings; MAX_REQUEST_BODY_BYTES when not given. */
  maxBodyBytes?: (settings: Settings) => number;
};

/**
 * A protected worker route: the shared error responder, the `x-api-key` check against API_KEY
 * (the same key a fleet's master sends), then the body limit. The settings are read per request,
 * so one export serves the local shim, Lambda and ECS alike.
 */
export function createWorkerHandler(fn: HttpRouteHandler, options: WorkerHandlerOptions = {}) {
  const maxBodyBytes = options.maxBodyBytes ?? ((settings: Settings) => settings.MAX_REQUEST_BODY_BYTES);
  return createHttpHandler(fn)
    .use(requireApiKey(() => getSettings().API_KEY))
    .use(limitBodySize(() => maxBodyBytes(getSettings())));
}
