import type { MiddlewareObj } from '@middy/core';
import { AppError } from '../errors.js';
import type { HttpEvent } from './create-http-handler.js';
import type { HttpResult } from './responses.js';

/** The size in bytes of an event's body as the client sent it. */
export function bodyBytes(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): number {
  if (event.body == null) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
}

export function payloadTooLarge(limit: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`);
}

/**
 * Middleware: 413 for a body over the limit. The local server refuses such bodies while reading
 * them; on Lambda the whole body is in the event, so this is where the same limit holds.
 */
export function limitBodySize(maxBytes: () => number): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: (request) => {
      const limit = maxBytes();
      if (bodyBytes(request.event) > limit) throw payloadTooLarge(limit);
    },
  };
}
