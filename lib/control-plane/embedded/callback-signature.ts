import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed callbacks: with CALLBACK_SIGNING_SECRET set, each delivery attempt carries
 * `X-Signature-Timestamp: <unix seconds>` and
 * `X-Signature-256: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body bytes>")>`.
 * The timestamp is inside the MAC so a receiver can refuse replays of an old delivery.
 */

export const SIGNATURE_HEADER = 'x-signature-256';
export const SIGNATURE_TIMESTAMP_HEADER = 'x-signature-timestamp';

/** How far a receiver should let the timestamp drift from its own clock. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signCallbackBody(secret: string, timestamp: number, body: Uint8Array | string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex');
  return `sha256=${mac}`;
}

/** What a receiver does: recompute, compare in constant time, and check the timestamp is recent. */
export function verifyCallbackSignature(
  secret: string,
  received: { signature: string | undefined; timestamp: string | undefined; body: Uint8Array | string },
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  const { signature, timestamp, body } = received;
  if (signature === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signCallbackBody(secret, Number(timestamp), body), 'utf8');
  const presented = Buffer.from(signature, 'utf8');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
