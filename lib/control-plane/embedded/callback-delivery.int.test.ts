import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTarGz } from '../../artifacts/tar-gz.js';
import { createLogger } from '../../log/logger.js';
import { InferenceRequest } from '../../schemas/wire/inference-request.js';
import type { Task } from '../../schemas/wire/task.js';
import { startReceiver } from '../../../test/support/control-plane-harness.js';
import { bodyOf, simpleAutomation, startTestControlPlane, TINY_PNG_BASE64, type TestControlPlane } from '../../../test/support/control-plane.js';

describe('embedded control plane: callback delivery', () => {
  let cp: TestControlPlane;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let work: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    cp = await startTestControlPlane({ logger: createLogger({ level: 'info', sink: (line) => logLines.push(line) }), callbackRetryDelaysMs: [20] });
    receiver = await startReceiver();
    work = await mkdtemp(join(tmpdir(), 'callback-test-'));
    await cp.writeRecording('callback_test', simpleAutomation({ who: ['a'] }));
  });
  afterAll(async () => {
    await cp.close();
    await receiver.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A task that ran to success, with output data, a final screenshot and one download. */
  async function finishedTask(): Promise<Task> {
    const task = await cp.client.requestInference(InferenceRequest.parse({ endpoint_name: 'callback_test', input_parameters: { who: ['b'] } }));
    await cp.client.startTask(task.api_key, { task_id: task.task_id, started_at: new Date().toISOString() });
    await cp.client.saveOutputData(task.api_key, { task_id: task.task_id, output_data: [{ text: 'hello' }], final_screenshot: TINY_PNG_BASE64 });
    const downloads = join(work, task.task_id);
    await mkdir(downloads, { recursive: true });
    await writeFile(join(downloads, 'report.csv'), 'a\n');
    const archive = await createTarGz(downloads, { arcName: task.task_id });
    await cp.client.saveDownloads(task.api_key, task.task_id, [
      { field: 'compressed_downloads', filename: `${task.task_id}.tar.gz`, contentType: 'application/gzip', content: archive },
    ]);
    await cp.client.completeTask(task.api_key, {
      task_id: task.task_id,
      child_process_id: 0,
      status: 'success',
      error: null,
      completed_at: new Date().toISOString(),
      retry_count: 1,
    });
    return task;
  }

  const receivedFor = (path: string) => vi.waitFor(() => {
    const found = receiver.received.filter((request) => request.url === path);
    if (found.length === 0) throw new Error(`no callback at ${path} yet`);
    return found;
  }, { timeout: 5_000, interval: 10 });

  it('POSTs the result with x-api-key when the callback has an api key', async () => {
    const task = await finishedTask();
    await cp.client.callback(task.api_key, task.task_id, { url: `${receiver.url}/with-key`, api_key: 'receiver-key' });

    const [request] = await receivedFor('/with-key');
    expect(request?.method).toBe('POST');
    expect(request?.headers['x-api-key']).toBe('receiver-key');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body.toString('utf8') ?? '')).toEqual({
      status: 'success',
      task_id: task.task_id,
      recording_id: 'callback_test',
      endpoint_name: 'callback_test',
      output_data: [{ text: 'hello' }],
      error: null,
      final_screenshot: TINY_PNG_BASE64,
      downloads: ['report.csv'],
    });
  });

  it('uses basic auth when the callback has a username and password', async () => {
    const task = await finishedTask();
    await cp.client.callback(task.api_key, task.task_id, { url: `${receiver.url}/with-basic`, username: 'hook', password: 'pa:ss' });

    const [request] = await receivedFor('/with-basic');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('hook:pa:ss').toString('base64')}`);
    expect(request?.headers['x-api-key']).toBeUndefined();
  });

  it('retries a receiver that answers 5xx', async () => {
    const task = await finishedTask();
    receiver.statuses.push(503);
    await cp.client.callback(task.api_key, task.task_id, { url: `${receiver.url}/flaky` });

    await vi.waitFor(() => expect(receiver.received.filter((request) => request.url === '/flaky')).toHaveLength(2), { timeout: 5_000, interval: 10 });
    await vi.waitFor(() => expect(logLines.some((line) => line.includes('"callback delivered"') && line.includes(task.task_id))).toBe(true));
  });

  it('logs a failed delivery and still answers the worker with 202', async () => {
    const task = await finishedTask();
    const closed = await startReceiver();
    await closed.close();

    const response = await cp.request('/api/v1/callback', { method: 'PUT', json: { task_id: task.task_id, callback_url: { url: `${closed.url}/gone` } } });
    expect(response.status).toBe(202);
    await vi.waitFor(
      () => expect(logLines.some((line) => line.includes('"callback delivery failed"') && line.includes(task.task_id))).toBe(true),
      { timeout: 5_000, interval: 10 },
    );
    const failure = logLines.find((line) => line.includes('"callback delivery failed"') && line.includes(task.task_id)) ?? '';
    expect(failure).toContain(`${closed.url}/gone`);
  });

  it('refuses a callback with both an api key and a username', async () => {
    const task = await finishedTask();
    const response = await cp.request('/api/v1/callback', {
      method: 'PUT',
      json: { task_id: task.task_id, callback_url: { url: `${receiver.url}/both`, api_key: 'k', username: 'u' } },
    });
    expect(response.status).toBe(422);
    expect((await bodyOf(response)).problems[0].path).toBe('callback_url');
  });
});
