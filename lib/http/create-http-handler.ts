import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createLogger, type Logger } from '../log/logger.js';
import { describeError } from './error-status.js';
import { jsonResponse, type HttpResult } from './responses.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpRouteHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

const defaultLogger = createLogger({ bindings: { component: 'http' } });

/**
 * Wraps a route's business logic in the middy chain every route shares: the one error responder.
 * The result is a Lambda handler for an HTTP API (payload v2), also called by the local shim.
 */
export function createHttpHandler(fn: HttpRouteHandler, logger: Logger = defaultLogger) {
  return middy<HttpEvent, HttpResult>()
    .use({
      onError: async (request) => {
        const { status, body, exposed, headers } = describeError(request.error);
        const route = `${request.event.requestContext?.http?.method ?? ''} ${request.event.rawPath ?? ''}`;
        if (exposed) logger.info('request refused', { route, status, error: body.error });
        else logger.error('request failed', { route, status, error: request.error });
        request.response = jsonResponse(status, body, headers);
      },
    })
    .handler(fn);
}
