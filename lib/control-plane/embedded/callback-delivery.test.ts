import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../log/logger.js';
import { createCallbackDelivery, type DeliveryOutcome } from './callback-delivery.js';
import { signCallbackBody, verifyCallbackSignature } from './callback-signature.js';

const payload = { status: 'success', task_id: 't1', recording_id: 'r', endpoint_name: 'e', output_data: [], error: null, final_screenshot: null, downloads: [] };

/** A fetch that answers the queued statuses in turn (a string throws, as a transport error) and records each call. */
function scriptedFetch(script: (number | string)[]) {
  const calls: { at: number; headers: Record<string, string>; body: Buffer }[] = [];
  const fetchImpl = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push({ at: Date.now(), headers: Object.fromEntries(new Headers(init?.headers)), body: Buffer.from(init?.body as Uint8Array) });
    const next = script.shift() ?? 200;
    if (typeof next === 'string') throw new TypeError(next);
    return new Response('ok', { status: next });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

async function deliverOnce(options: Parameters<typeof createCallbackDelivery>[0]) {
  const delivery = createCallbackDelivery(options);
  const attempts: (string | null)[] = [];
  let outcome: DeliveryOutcome | undefined;
  delivery.deliver({ url: 'http://127.0.0.1:1/hook' }, payload, {
    onAttempt: (_n, problem) => attempts.push(problem),
    onFinish: (result) => void (outcome = result),
  });
  await delivery.idle();
  return { attempts, outcome };
}

describe('callback delivery', () => {
  it('retries transport errors, 5xx and 429 with growing waits, and stops at the first 2xx', async () => {
    const { fetchImpl, calls } = scriptedFetch(['connect ECONNREFUSED', 500, 429, 503, 202]);
    const { attempts, outcome } = await deliverOnce({ logger: silentLogger, fetchImpl, retry: { maxAttempts: 8, baseDelayMs: 4, maxDelayMs: 1_000 }, random: () => 1 });

    expect(outcome).toEqual({ delivered: true, attempts: 5, problem: null });
    expect(attempts).toEqual(['connect ECONNREFUSED', 'answered HTTP 500', 'answered HTTP 429', 'answered HTTP 503', null]);
    const gaps = calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));
    // 4, 8, 16, 32 ms with random() = 1; timers may fire late but never early.
    [4, 8, 16, 32].forEach((least, index) => expect(gaps[index]).toBeGreaterThanOrEqual(least - 1));
  });

  it('gives up after maxAttempts', async () => {
    const { fetchImpl, calls } = scriptedFetch([500, 500, 500, 500, 500]);
    const { outcome } = await deliverOnce({ logger: silentLogger, fetchImpl, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    expect(outcome).toEqual({ delivered: false, attempts: 3, problem: 'answered HTTP 500' });
    expect(calls).toHaveLength(3);
  });

  it('does not retry other 4xx answers or redirects', async () => {
    for (const status of [400, 401, 404, 302]) {
      const { fetchImpl, calls } = scriptedFetch([status]);
      const { outcome } = await deliverOnce({ logger: silentLogger, fetchImpl, retry: { baseDelayMs: 1 } });
      expect(outcome).toEqual({ delivered: false, attempts: 1, problem: `answered HTTP ${status}` });
      expect(calls).toHaveLength(1);
    }
  });

  it('keeps the backoff within half and all of each capped step (jitter)', async () => {
    const { fetchImpl, calls } = scriptedFetch([500, 500, 500]);
    await deliverOnce({ logger: silentLogger, fetchImpl, retry: { maxAttempts: 4, baseDelayMs: 40, maxDelayMs: 60 }, random: () => 0 });
    const gaps = calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));
    // random() = 0 waits half of each step: 20, 30 (60 capped), 30.
    [20, 30, 30].forEach((least, index) => expect(gaps[index]).toBeGreaterThanOrEqual(least - 1));
  });

  it('signs the exact body bytes of every attempt when it has a secret, and only then', async () => {
    const secret = 'unit-test-signing-secret';
    const signed = scriptedFetch([500, 200]);
    await deliverOnce({ logger: silentLogger, fetchImpl: signed.fetchImpl, retryDelaysMs: [1], signingSecret: secret });
    for (const call of signed.calls) {
      expect(call.body.toString('utf8')).toBe(JSON.stringify(payload));
      const timestamp = call.headers['x-signature-timestamp'];
      expect(call.headers['x-signature-256']).toBe(signCallbackBody(secret, Number(timestamp), call.body));
      expect(verifyCallbackSignature(secret, { signature: call.headers['x-signature-256'], timestamp, body: call.body })).toBe(true);
    }

    const unsigned = scriptedFetch([200]);
    await deliverOnce({ logger: silentLogger, fetchImpl: unsigned.fetchImpl });
    expect(unsigned.calls[0]?.headers['x-signature-256']).toBeUndefined();
  });

  it('refuses a signature whose timestamp is outside the tolerance', () => {
    const secret = 'unit-test-signing-secret';
    const signature = signCallbackBody(secret, 1_000, '{}');
    expect(verifyCallbackSignature(secret, { signature, timestamp: '1000', body: '{}' }, { nowSeconds: 1_200 })).toBe(true);
    expect(verifyCallbackSignature(secret, { signature, timestamp: '1000', body: '{}' }, { nowSeconds: 1_400 })).toBe(false);
    expect(verifyCallbackSignature(secret, { signature: undefined, timestamp: '1000', body: '{}' }, { nowSeconds: 1_000 })).toBe(false);
  });

  it('abandons a pending retry at close and reports it as failed', async () => {
    const { fetchImpl } = scriptedFetch([500]);
    const delivery = createCallbackDelivery({ logger: silentLogger, fetchImpl, retry: { baseDelayMs: 60_000 } });
    let outcome: DeliveryOutcome | undefined;
    delivery.deliver({ url: 'http://127.0.0.1:1/hook' }, payload, { onFinish: (result) => void (outcome = result) });
    await new Promise((done) => setTimeout(done, 20));
    await delivery.close();
    expect(outcome).toEqual({ delivered: false, attempts: 1, problem: 'answered HTTP 500; abandoned at shutdown' });
  });
});
