import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { CallbackUrl } from '../../schemas/wire/task.js';

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

export type CallbackDeliveryOptions = {
  logger: Logger;
  fetchImpl?: typeof fetch;
  /** One attempt's deadline: a slow receiver must not hold the delivery forever. */
  timeoutMs?: number;
  /** Waits before the 2nd, 3rd… attempt; only transport errors and 5xx are retried. */
  retryDelaysMs?: number[];
};

export type CallbackDelivery = {
  /** Starts the delivery in the background; failures are logged, never thrown. */
  deliver(target: CallbackUrl, payload: CallbackPayload): void;
  /** Resolves when every delivery started so far has finished. */
  idle(): Promise<void>;
  /** Stops pending retries and waits for deliveries in flight. */
  close(): Promise<void>;
};

export function createCallbackDelivery(options: CallbackDeliveryOptions): CallbackDelivery {
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000];
  const shutdown = new AbortController();
  const pending = new Set<Promise<void>>();

  async function attempt(target: CallbackUrl, body: string): Promise<{ done: boolean; problem: string }> {
    try {
      const response = await fetchImpl(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(target) },
        body,
        // Following a redirect would hand the credentials to wherever it points.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), shutdown.signal]),
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) return { done: true, problem: '' };
      return { done: response.status < 500, problem: `answered HTTP ${response.status}` };
    } catch (error) {
      return { done: false, problem: error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : errorMessage(error) };
    }
  }

  async function run(target: CallbackUrl, payload: CallbackPayload): Promise<void> {
    const logger = options.logger.child({ task_id: payload.task_id, callback: describeTarget(target.url) });
    const body = JSON.stringify(payload);
    for (let tries = 0; ; tries += 1) {
      const result = await attempt(target, body);
      if (result.done && !result.problem) {
        logger.info('callback delivered', { attempts: tries + 1 });
        return;
      }
      const delay = retryDelaysMs[tries];
      if (result.done || delay === undefined || shutdown.signal.aborted) {
        logger.error('callback delivery failed', { attempts: tries + 1, problem: result.problem });
        return;
      }
      logger.warn('callback attempt failed; retrying', { attempt: tries + 1, problem: result.problem, retry_in_ms: delay });
      const stopped = await sleep(delay, false, { signal: shutdown.signal }).catch(() => true);
      if (stopped) {
        logger.error('callback delivery abandoned at shutdown', { attempts: tries + 1, problem: result.problem });
        return;
      }
    }
  }

  return {
    deliver(target, payload) {
      const job = run(target, payload).catch((error: unknown) => options.logger.error('callback delivery crashed', { error }));
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

/** The URL for logs, without credentials or query (either may carry secrets). */
function describeTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
