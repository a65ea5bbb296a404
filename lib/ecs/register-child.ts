import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';

export type RegisterChildBody = { task_arn: string; private_ip: string; port: number };

/**
 * The original POSTs to `http://{SERVER_URL}/register_child`, so its SERVER_URL is `host:port`
 * in AWS mode; a full URL is accepted too. The path is at the root, not under `api/v1`.
 */
export function registerChildUrl(serverUrl: string): string {
  const base = /^https?:\/\//i.test(serverUrl) ? serverUrl : `http://${serverUrl}`;
  return new URL('/register_child', base).toString();
}

export type RegisterChildOptions = {
  serverUrl: string;
  body: RegisterChildBody;
  logger: Logger;
  /** Stops the retries (the worker shuts down). */
  signal?: AbortSignal;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
};

/**
 * Registers this task with the master until it answers 2xx: a master that starts after its
 * workers (or restarts) must still learn of them, so failures are retried with exponential
 * backoff and jitter rather than given up. Resolves false only when aborted.
 */
export async function registerChild(options: RegisterChildOptions): Promise<boolean> {
  const url = registerChildUrl(options.serverUrl);
  const fetchImpl = options.fetchImpl ?? fetch;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  for (let attempt = 1; !options.signal?.aborted; attempt += 1) {
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (response.ok) {
        options.logger.info('registered with the master', { url, task_arn: options.body.task_arn, attempts: attempt });
        return true;
      }
      options.logger.warn('register_child refused; retrying', { url, status: response.status, attempt });
    } catch (error) {
      options.logger.warn('register_child failed; retrying', { url, attempt, error: errorMessage(error) });
    }
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // Half fixed, half random: a fleet restarted together spreads out, and no wait is near zero.
    await sleep(ceiling / 2 + Math.random() * (ceiling / 2), options.signal);
  }
  return false;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
