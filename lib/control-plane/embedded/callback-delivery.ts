import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { CallbackUrl } from '../../schemas/wire/task.js';
import { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, signCallbackBody } from './callback-signature.js';

/** What the receiver of a callback gets, POSTed as JSON. */
export type CallbackPayload = {
  status: string;
  task_id: string;
  recording_id: string;
  endpoint_name: string;
  output_data: unknown[];
  error: string | null;
  /** Base64 image, or null. */
  final_screenshot: string | null;
  /** File names, fetchable at `GET /api/v1/tasks/{task_id}/downloads/{name}`. */
  downloads: string[];
};

/**
 * Attempt n+1 waits a random time between half and all of `min(maxDelayMs, baseDelayMs·2ⁿ)`:
 * the jitter keeps many callbacks that failed together from retrying together. The defaults
 * make 8 attempts over at most ~10 minutes (5 s, 10 s, 20 s … capped at 5 min).
 */
export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 300_000 };

export type CallbackDeliveryOptions = {
  logger: Logger;
  fetchImpl?: typeof fetch;
  /** One attempt's deadline: a slow receiver must not hold the delivery forever. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Exact waits before the 2nd, 3rd… attempt instead of the backoff (one attempt per wait, plus one). */
  retryDelaysMs?: number[];
  /** Signs every attempt (see callback-signature.ts) when set. */
  signingSecret?: string;
  random?: () => number;
};

export type DeliveryOutcome = { delivered: boolean; attempts: number; problem: string | null };

/** Called inside the delivery, so a caller's bookkeeping is done by the time `idle()` resolves. */
export type DeliveryHooks = {
  onAttempt?(attempts: number, problem: string | null): void;
  onFinish?(outcome: DeliveryOutcome): void;
};

export type CallbackDelivery = {
  /** Starts the delivery in the background; failures are logged, never thrown. */
  deliver(target: CallbackUrl, payload: CallbackPayload, hooks?: DeliveryHooks): void;
  /** Resolves when every delivery started so far has finished. */
  idle(): Promise<void>;
  /** Stops pending retries and waits for deliveries in flight. */
  close(): Promise<void>;
};

type AttemptResult = { delivered: boolean; retryable: boolean; problem: string; retryAfterMs?: number };

/** Worth another try: the receiver may be back soon. Any other answer will not change. */
const RETRYABLE_STATUSES = new Set([408, 429]);

export function createCallbackDelivery(options: CallbackDeliveryOptions): CallbackDelivery {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const maxAttempts = options.retryDelaysMs ? options.retryDelaysMs.length + 1 : Math.max(1, policy.maxAttempts);
  const random = options.random ?? Math.random;
  const shutdown = new AbortController();
  const pending = new Set<Promise<void>>();

  function delayBefore(retryIndex: number, retryAfterMs: number | undefined): number {
    const fixed = options.retryDelaysMs?.[retryIndex];
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
    const backoff = fixed ?? cap / 2 + (random() * cap) / 2;
    return Math.max(backoff, Math.min(retryAfterMs ?? 0, policy.maxDelayMs));
  }

  function headersFor(target: CallbackUrl, body: Buffer): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...authHeaders(target) };
    if (options.signingSecret) {
      // A fresh timestamp per attempt: a retry minutes later still falls inside a receiver's window.
      const timestamp = Math.floor(Date.now() / 1000);
      headers[SIGNATURE_TIMESTAMP_HEADER] = String(timestamp);
      headers[SIGNATURE_HEADER] = signCallbackBody(options.signingSecret, timestamp, body);
    }
    return headers;
  }

  async function attempt(target: CallbackUrl, body: Buffer): Promise<AttemptResult> {
    try {
      const response = await fetchImpl(target.url, {
        method: 'POST',
        headers: headersFor(target, body),
        body,
        // Following a redirect would hand the credentials to wherever it points.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), shutdown.signal]),
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) return { delivered: true, retryable: false, problem: '' };
      return {
        delivered: false,
        retryable: response.status >= 500 || RETRYABLE_STATUSES.has(response.status),
        problem: `answered HTTP ${response.status}`,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      };
    } catch (error) {
      const problem = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : errorMessage(error);
      return { delivered: false, retryable: true, problem };
    }
  }

  async function run(target: CallbackUrl, payload: CallbackPayload, hooks: DeliveryHooks): Promise<void> {
    const logger = options.logger.child({ task_id: payload.task_id, callback: describeTarget(target.url) });
    // The exact bytes sent are the bytes signed.
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const finish = (outcome: DeliveryOutcome, message: string) => {
      if (outcome.delivered) logger.info(message, { attempts: outcome.attempts });
      else logger.error(message, { attempts: outcome.attempts, problem: outcome.problem });
      hooks.onFinish?.(outcome);
    };
    for (let attempts = 1; ; attempts += 1) {
      const result = await attempt(target, body);
      hooks.onAttempt?.(attempts, result.delivered ? null : result.problem);
      if (result.delivered) return finish({ delivered: true, attempts, problem: null }, 'callback delivered');
      if (!result.retryable || attempts >= maxAttempts || shutdown.signal.aborted) {
        return finish({ delivered: false, attempts, problem: result.problem }, 'callback delivery failed');
      }
      const delay = delayBefore(attempts - 1, result.retryAfterMs);
      logger.warn('callback attempt failed; retrying', { attempt: attempts, problem: result.problem, retry_in_ms: Math.round(delay) });
      const stopped = await sleep(delay, false, { signal: shutdown.signal }).catch(() => true);
      if (stopped) return finish({ delivered: false, attempts, problem: `${result.problem}; abandoned at shutdown` }, 'callback delivery abandoned at shutdown');
    }
  }

  return {
    deliver(target, payload, hooks = {}) {
      const job = run(target, payload, hooks).catch((error: unknown) => options.logger.error('callback delivery crashed', { error }));
      pending.add(job);
      void job.finally(() => pending.delete(job));
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      shutdown.abort();
      await this.idle();
    },
  };
}

/** `x-api-key` when the target has an api key, else basic auth when it has a user or password. */
function authHeaders(target: CallbackUrl): Record<string, string> {
  if (target.api_key) return { 'x-api-key': target.api_key };
  if (target.username != null || target.password != null) {
    const token = Buffer.from(`${target.username ?? ''}:${target.password ?? ''}`).toString('base64');
    return { authorization: `Basic ${token}` };
  }
  return {};
}

/** `Retry-After` in seconds (the HTTP-date form is rare from webhooks and is ignored). */
function retryAfterMs(value: string | null): number | undefined {
  return value !== null && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) * 1000 : undefined;
}

/** The URL for logs and the database, without credentials or query (either may carry secrets). */
export function describeTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
