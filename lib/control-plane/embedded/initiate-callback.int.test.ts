import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, verifyCallbackSignature } from './callback-signature.js';
import { startHarness, startReceiver, type Harness } from '../../../test/support/control-plane-harness.js';

const SIGNING_SECRET = 'callback-signing-secret-for-tests';
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 5_000, interval: 10 });

/** The requests at `path` once there are `count` of them. */
const arrivals = (receiver: Receiver, path: string, count: number) =>
  waitFor(() => {
    const found = receiver.at(path);
    if (found.length < count) throw new Error(`${found.length} of ${count} requests at ${path} so far`);
    return found;
  });

/** Long enough for a wrongly scheduled retry or second delivery to have arrived. */
const settle = () => new Promise((done) => setTimeout(done, 150));

describe('embedded control plane: initiate_callback', () => {
  let cp: Harness;
  let receiver: Receiver;

  beforeAll(async () => {
    cp = await startHarness({ settings: { CALLBACK_SIGNING_SECRET: SIGNING_SECRET } });
    receiver = await startReceiver();
    await cp.writeRecording('hooks');
  });
  afterAll(async () => {
    await cp.close();
    await receiver.close();
  });

  /** A task that ran to success with output data and a final screenshot. */
  async function finishedTask(): Promise<string> {
    const taskId = await cp.createTask('hooks');
    const now = new Date().toISOString();
    await cp.request('/api/v1/start_task', { method: 'POST', json: { task_id: taskId, started_at: now } });
    await cp.request('/api/v1/save_output_data', { method: 'POST', json: { task_id: taskId, output_data: [{ text: 'hello' }], final_screenshot: PNG_BASE64 } });
    await cp.request('/api/v1/complete_task', {
      method: 'POST',
      json: { task_id: taskId, child_process_id: 0, status: 'success', error: null, completed_at: now, retry_count: 1 },
    });
    return taskId;
  }

  const initiate = (body: Record<string, unknown>) => cp.request('/api/v1/initiate_callback', { method: 'POST', json: body });
  const callbackState = async (taskId: string) =>
    ((await (await cp.request(`/api/v1/tasks/${taskId}`)).json()) as { callback: Record<string, unknown> | null }).callback;

  it('POSTs the result to callback_url with its api key and an HMAC signature that verifies', async () => {
    const taskId = await finishedTask();
    const response = await initiate({ task_id: taskId, endpoint_name: 'hooks', callback_url: { url: `${receiver.url}/signed`, api_key: 'receiver-key' } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ success: true, task_id: taskId, message: 'Callback delivery started', callback_state: 'delivering' });

    const [request] = await arrivals(receiver, '/signed', 1);
    expect(request?.headers['x-api-key']).toBe('receiver-key');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body.toString('utf8') ?? '')).toEqual({
      status: 'success',
      task_id: taskId,
      recording_id: 'hooks',
      endpoint_name: 'hooks',
      output_data: [{ text: 'hello' }],
      error: null,
      final_screenshot: PNG_BASE64,
      downloads: [],
    });

    const signature = String(request?.headers[SIGNATURE_HEADER]);
    const timestamp = String(request?.headers[SIGNATURE_TIMESTAMP_HEADER]);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const body = request?.body ?? Buffer.alloc(0);
    expect(verifyCallbackSignature(SIGNING_SECRET, { signature, timestamp, body })).toBe(true);
    expect(verifyCallbackSignature('another-secret-of-length', { signature, timestamp, body })).toBe(false);
    expect(verifyCallbackSignature(SIGNING_SECRET, { signature, timestamp, body: Buffer.concat([body, Buffer.from(' ')]) })).toBe(false);
    expect(verifyCallbackSignature(SIGNING_SECRET, { signature, timestamp: String(Number(timestamp) + 1), body })).toBe(false);
    await waitFor(async () => expect(await callbackState(taskId)).toMatchObject({ state: 'delivered', attempts: 1, last_error: null }));
  });

  it('uses task_callback_url with task_callback_api_key as x-api-key when there is no callback_url', async () => {
    const taskId = await finishedTask();
    const response = await initiate({ task_id: taskId, endpoint_name: 'hooks', task_callback_url: `${receiver.url}/task-hook`, task_callback_api_key: 'task-key' });
    expect(response.status).toBe(202);
    const [request] = await arrivals(receiver, '/task-hook', 1);
    expect(request?.headers['x-api-key']).toBe('task-key');
  });

  it('prefers callback_url over task_callback_url, with basic auth', async () => {
    const taskId = await finishedTask();
    await initiate({
      task_id: taskId,
      endpoint_name: 'hooks',
      task_callback_url: `${receiver.url}/not-this-one`,
      callback_url: { url: `${receiver.url}/basic`, username: 'hook', password: 'pa:ss' },
    });
    const [request] = await arrivals(receiver, '/basic', 1);
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('hook:pa:ss').toString('base64')}`);
    await settle();
    expect(receiver.at('/not-this-one')).toHaveLength(0);
  });

  it('retries after 500s and stops once the receiver answers 200', async () => {
    const taskId = await finishedTask();
    receiver.statuses.push(500, 500);
    await initiate({ task_id: taskId, endpoint_name: 'hooks', callback_url: { url: `${receiver.url}/flaky` } });

    await waitFor(() => expect(receiver.at('/flaky')).toHaveLength(3));
    await waitFor(async () => expect(await callbackState(taskId)).toMatchObject({ state: 'delivered', attempts: 3, last_error: null }));
    await settle();
    expect(receiver.at('/flaky')).toHaveLength(3);
    // Each attempt is signed afresh, and each signature verifies.
    for (const request of receiver.at('/flaky')) {
      const received = { signature: String(request.headers[SIGNATURE_HEADER]), timestamp: String(request.headers[SIGNATURE_TIMESTAMP_HEADER]), body: request.body };
      expect(verifyCallbackSignature(SIGNING_SECRET, received)).toBe(true);
    }
  });

  it('retries 429 but not another 4xx, which fails the delivery at once', async () => {
    const limited = await finishedTask();
    receiver.statuses.push(429);
    await initiate({ task_id: limited, endpoint_name: 'hooks', callback_url: { url: `${receiver.url}/limited` } });
    await waitFor(async () => expect(await callbackState(limited)).toMatchObject({ state: 'delivered', attempts: 2 }));

    const refused = await finishedTask();
    receiver.statuses.push(400);
    await initiate({ task_id: refused, endpoint_name: 'hooks', callback_url: { url: `${receiver.url}/refused` } });
    await waitFor(async () => expect(await callbackState(refused)).toMatchObject({ state: 'failed', attempts: 1, last_error: 'answered HTTP 400' }));
    await settle();
    expect(receiver.at('/refused')).toHaveLength(1);
  });

  it('delivers once however often it is asked, while delivering and after', async () => {
    const taskId = await finishedTask();
    receiver.delays.push(200);
    const body = { task_id: taskId, endpoint_name: 'hooks', callback_url: { url: `${receiver.url}/once` } };
    expect((await initiate(body)).status).toBe(202);

    const during = await initiate(body);
    expect(during.status).toBe(200);
    expect(await during.json()).toMatchObject({ message: 'Callback delivery already under way', callback_state: 'delivering' });
    await waitFor(async () => expect(await callbackState(taskId)).toMatchObject({ state: 'delivered' }));

    const after = await initiate(body);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ message: 'Callback already delivered', callback_state: 'delivered' });
    // The Dec-2025 route shares the same record.
    const legacy = await cp.request('/api/v1/callback', { method: 'PUT', json: { task_id: taskId, callback_url: { url: `${receiver.url}/once` } } });
    expect(legacy.status).toBe(200);
    await settle();
    expect(receiver.at('/once')).toHaveLength(1);
    expect(cp.rows('callbacks', 'task_id = ?', taskId)).toHaveLength(1);
  });

  it('delivers again when asked after a delivery that failed', async () => {
    const taskId = await finishedTask();
    receiver.statuses.push(404);
    const body = { task_id: taskId, endpoint_name: 'hooks', callback_url: { url: `${receiver.url}/second-chance` } };
    await initiate(body);
    await waitFor(async () => expect(await callbackState(taskId)).toMatchObject({ state: 'failed' }));
    expect((await initiate(body)).status).toBe(202);
    await waitFor(async () => expect(await callbackState(taskId)).toMatchObject({ state: 'delivered', attempts: 1 }));
    expect(receiver.at('/second-chance')).toHaveLength(2);
  });

  it('signs the Dec-2025 PUT callback the same way', async () => {
    const taskId = await finishedTask();
    const response = await cp.request('/api/v1/callback', { method: 'PUT', json: { task_id: taskId, callback_url: { url: `${receiver.url}/legacy` } } });
    expect(response.status).toBe(202);
    const [request] = await arrivals(receiver, '/legacy', 1);
    const received = { signature: String(request?.headers[SIGNATURE_HEADER]), timestamp: String(request?.headers[SIGNATURE_TIMESTAMP_HEADER]), body: request?.body ?? '' };
    expect(verifyCallbackSignature(SIGNING_SECRET, received)).toBe(true);
  });

  it.each([
    ['no callback at all', {}, 'callback_url'],
    ['a task_callback_url that is not http(s)', { task_callback_url: 'ftp://example.invalid/hook' }, 'task_callback_url'],
    ['a callback_url with both an api key and a username', { callback_url: { url: 'http://127.0.0.1:1/x', api_key: 'k', username: 'u' } }, 'callback_url'],
    ['another endpoint_name', { endpoint_name: 'other', task_callback_url: 'http://127.0.0.1:1/x' }, 'endpoint_name'],
  ])('answers 422 naming the field for %s', async (_case, extra, path) => {
    const taskId = await finishedTask();
    const response = await initiate({ task_id: taskId, endpoint_name: 'hooks', ...extra });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { problems: { path: string }[] }).problems[0]?.path).toBe(path);
    expect(await callbackState(taskId)).toBeNull();
  });

  it('answers 404 for an unknown task and 401 without the key', async () => {
    expect((await initiate({ task_id: 'no-such-task', endpoint_name: 'hooks', task_callback_url: `${receiver.url}/x` })).status).toBe(404);
    const unauthorized = await cp.request('/api/v1/initiate_callback', { method: 'POST', headers: { 'x-api-key': 'nope-nope' }, json: {} });
    expect(unauthorized.status).toBe(401);
  });
});

describe('embedded control plane: callback retries with backoff', () => {
  it('gives up after the configured number of attempts and records the failure', async () => {
    const cp = await startHarness({ callbackRetryDelaysMs: undefined, callbackRetry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } });
    const receiver = await startReceiver();
    try {
      await cp.writeRecording('hooks');
      const taskId = await cp.createTask('hooks');
      receiver.statuses.push(503, 503, 503, 503, 503, 503);
      await cp.request('/api/v1/initiate_callback', { method: 'POST', json: { task_id: taskId, endpoint_name: 'hooks', task_callback_url: `${receiver.url}/down` } });
      await waitFor(() => expect(cp.rows('callbacks', 'task_id = ?', taskId)).toEqual([expect.objectContaining({ state: 'failed', attempts: 4, last_error: 'answered HTTP 503' })]));
      await settle();
      expect(receiver.at('/down')).toHaveLength(4);
    } finally {
      await cp.close();
      await receiver.close();
    }
  });
});

describe('embedded control plane: callbacks across a restart', () => {
  it('does not deliver again after a restart on the same DATA_DIR', async () => {
    const receiver = await startReceiver();
    const first = await startHarness();
    let second: Harness | undefined;
    try {
      await first.writeRecording('hooks');
      const taskId = await first.createTask('hooks');
      const body = { task_id: taskId, endpoint_name: 'hooks', task_callback_url: `${receiver.url}/restart` };
      expect((await first.request('/api/v1/initiate_callback', { method: 'POST', json: body })).status).toBe(202);
      await waitFor(() => expect(first.rows('callbacks', 'task_id = ?', taskId)).toEqual([expect.objectContaining({ state: 'delivered' })]));
      await first.close({ keepFiles: true });

      second = await startHarness({ root: first.root });
      const repeat = await second.request('/api/v1/initiate_callback', { method: 'POST', json: body });
      expect(repeat.status).toBe(200);
      expect(await repeat.json()).toMatchObject({ callback_state: 'delivered' });
      await settle();
      expect(receiver.at('/restart')).toHaveLength(1);
    } finally {
      await (second ?? first).close();
      await receiver.close();
    }
  });

  it('marks a delivery cut off by a stop as failed, so asking again delivers it', async () => {
    const receiver = await startReceiver();
    // Never answers in time: the delivery is still under way when the control plane stops.
    receiver.delays.push(5_000);
    const first = await startHarness({ callbackTimeoutMs: 10_000 });
    let second: Harness | undefined;
    try {
      await first.writeRecording('hooks');
      const taskId = await first.createTask('hooks');
      const body = { task_id: taskId, endpoint_name: 'hooks', task_callback_url: `${receiver.url}/cut-off` };
      await first.request('/api/v1/initiate_callback', { method: 'POST', json: body });
      await waitFor(() => expect(receiver.at('/cut-off')).toHaveLength(1));
      await first.close({ keepFiles: true });
      expect(first.rows('callbacks', 'task_id = ?', taskId)).toEqual([expect.objectContaining({ state: 'failed' })]);

      second = await startHarness({ root: first.root });
      expect((await second.request('/api/v1/initiate_callback', { method: 'POST', json: body })).status).toBe(202);
      await waitFor(() => expect(receiver.at('/cut-off')).toHaveLength(2));
    } finally {
      await (second ?? first).close();
      await receiver.close();
    }
  });

  it('marks a delivery a crash left under way as failed at start-up', async () => {
    const first = await startHarness();
    let second: Harness | undefined;
    try {
      await first.writeRecording('hooks');
      const taskId = await first.createTask('hooks');
      await first.close({ keepFiles: true });
      // What a crash in the middle of a delivery leaves behind.
      const db = new Database(join(first.settings.DATA_DIR, 'control-plane.sqlite'));
      db.prepare(`INSERT INTO callbacks (task_id, state, target, attempts, requested_at) VALUES (?, 'delivering', 'http://127.0.0.1:1/x', 1, ?)`).run(taskId, new Date().toISOString());
      db.close();

      second = await startHarness({ root: first.root });
      expect(second.rows('callbacks', 'task_id = ?', taskId)).toEqual([
        expect.objectContaining({ state: 'failed', last_error: 'interrupted: the control plane stopped while delivering' }),
      ]);
    } finally {
      await (second ?? first).close();
    }
  });
});
