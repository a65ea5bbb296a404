import type { BrowserContext, Request, Response } from 'playwright-core';

export type NetworkCall = {
  kind: 'request' | 'response';
  url: string;
  method: string;
  status: number | null;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else its text; null when there is none. */
  body: Promise<unknown>;
};

/** Bodies larger than this are not kept: a network_call extraction wants API answers, not media. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const TEXTUAL = /json|text|xml|javascript|x-www-form-urlencoded/i;

/**
 * The requests and responses of the task's browser context since the last interaction node
 * (the original clears its log at the start of every interaction). Response bodies are read as
 * they arrive: after a navigation Chromium may no longer hand them out.
 */
export class NetworkLog {
  private calls: NetworkCall[] = [];
  private waiters = new Set<() => void>();
  /** Requests started since the last clear() that have not finished yet. */
  private pending = new Set<Request>();
  private onIdle = new Set<() => void>();

  private detachFrom: (() => void) | undefined;

  attach(context: BrowserContext): void {
    const onRequest = (request: Request) => {
      this.pending.add(request);
      this.add(requestCall(request));
    };
    const onResponse = (response: Response) => this.add(responseCall(response));
    const done = (request: Request) => {
      if (!this.pending.delete(request) || this.pending.size > 0) return;
      for (const idle of this.onIdle) idle();
    };
    context.on('request', onRequest);
    context.on('response', onResponse);
    context.on('requestfinished', done);
    context.on('requestfailed', done);
    this.detachFrom = () => {
      context.off('request', onRequest);
      context.off('response', onResponse);
      context.off('requestfinished', done);
      context.off('requestfailed', done);
    };
  }

  /** Stops listening and lets go of every request and call it holds (the run has ended). */
  detach(): void {
    this.detachFrom?.();
    this.detachFrom = undefined;
    this.calls = [];
    this.pending = new Set();
    for (const idle of this.onIdle) idle();
  }

  /**
   * Resolves once every request started since the last interaction began has finished, or after
   * `timeoutMs`. A request left in flight when the browser closes is cut off: what the last step
   * sent (a form posted by script) would never reach the server, or its answer the page.
   */
  settle(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.onIdle.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.onIdle.add(finish);
    });
  }

  private add(call: NetworkCall): void {
    this.calls.push(call);
    for (const wake of this.waiters) wake();
  }

  /** Resolves once a call of `kind` matches `pattern`, or after `timeoutMs` (answering false). */
  waitFor(pattern: string | null, kind: NetworkCall['kind'], timeoutMs: number): Promise<boolean> {
    const found = () => this.matching(pattern).some((call) => call.kind === kind);
    if (found()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      const check = () => {
        if (found()) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  clear(): void {
    this.calls = [];
    // Requests of earlier steps still in flight (a long poll, a stream) are not waited for.
    this.pending = new Set();
  }

  /** Calls whose URL contains `pattern` (a plain substring, as in the original); all when null. */
  matching(pattern: string | null): NetworkCall[] {
    return this.calls.filter((call) => pattern === null || call.url.includes(pattern));
  }
}

function requestCall(request: Request): NetworkCall {
  const text = request.postData();
  return {
    kind: 'request',
    url: request.url(),
    method: request.method(),
    status: null,
    headers: request.headers(),
    body: Promise.resolve(text === null ? null : parseBody(text)),
  };
}

function responseCall(response: Response): NetworkCall {
  const headers = response.headers();
  const type = headers['content-type'] ?? '';
  const length = Number(headers['content-length'] ?? 0);
  const readable = TEXTUAL.test(type) && length <= MAX_BODY_BYTES && response.status() !== 204 && !isRedirect(response.status());
  const body = readable
    ? response.body().then(
        (buffer) => (buffer.length > MAX_BODY_BYTES ? null : parseBody(buffer.toString('utf8'))),
        () => null,
      )
    : Promise.resolve(null);
  return { kind: 'response', url: response.url(), method: response.request().method(), status: response.status(), headers, body };
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
