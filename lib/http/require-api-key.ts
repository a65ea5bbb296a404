import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { AppError } from '../errors.js';
import type { HttpEvent } from './create-http-handler.js';
import type { HttpResult } from './responses.js';

/**
 * The one refusal for a missing and a wrong key alike: telling them apart would help someone
 * guessing keys, and the body never echoes what was sent.
 */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized';

/** The `x-api-key` header (API Gateway and node:http both give lower-case names); empty counts as absent. */
export function presentedApiKey(event: HttpEvent): string | undefined {
  const value = event.headers?.['x-api-key'];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Middleware: 401 unless `x-api-key` equals the key, compared in constant time. `expected` may
 * be read per request (the worker's handlers are module exports that learn their settings late).
 */
export function requireApiKey(expected: string | (() => string)): MiddlewareObj<HttpEvent, HttpResult> {
  const keyOf = typeof expected === 'string' ? () => expected : expected;
  let cached: { key: string; digest: Buffer } | undefined;
  const expectedDigest = (): Buffer => {
    const key = keyOf();
    if (cached?.key !== key) cached = { key, digest: digest(key) };
    return cached.digest;
  };
  return {
    before: (request) => {
      const presented = presentedApiKey(request.event);
      // Digests have equal lengths, so timingSafeEqual never leaks the key's length; the
      // comparison runs even without a key so both refusals take the same path.
      const matches = timingSafeEqual(digest(presented ?? ''), expectedDigest());
      if (presented === undefined || !matches) throw new AppError('UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
