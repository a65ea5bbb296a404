import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTarGz } from '../../artifacts/tar-gz.js';
import { UploadUrlsAnswer } from '../../schemas/wire/control-plane-requests.js';
import { startHarness, startReceiver, type Harness } from '../../../test/support/control-plane-harness.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Long enough for a second delivery, if one were wrongly started, to have arrived. */
const settle = () => new Promise((done) => setTimeout(done, 150));

describe('embedded control plane: every worker report may arrive twice', () => {
  let cp: Harness;
  let receiver: Receiver;
  let work: string;

  beforeAll(async () => {
    cp = await startHarness();
    receiver = await startReceiver();
    work = await mkdtemp(join(tmpdir(), 'report-idempotency-'));
    await cp.writeRecording('twice');
  });
  afterAll(async () => {
    await cp.close();
    await receiver.close();
    await rm(work, { recursive: true, force: true });
  });

  const post = (path: string, json: unknown, headers: Record<string, string> = {}) => cp.request(path, { method: 'POST', json, headers });

  /** Sends the same request twice; both answers must be 2xx. */
  async function twice(send: () => Promise<Response>): Promise<Response> {
    const first = await send();
    expect(first.status, await first.clone().text()).toBeLessThan(300);
    const second = await send();
    expect(second.status, await second.clone().text()).toBeLessThan(300);
    return second;
  }

  const detail = async (taskId: string) => (await cp.request(`/api/v1/tasks/${taskId}`)).json() as Promise<Record<string, unknown>>;

  /** Everything stored about the task, to compare after each repeat. */
  async function storedState(taskId: string) {
    const folder = join(cp.settings.DATA_DIR, 'tasks', taskId);
    const listing = async (dir: string): Promise<string[]> =>
      (await readdir(dir, { withFileTypes: true }).catch(() => [])).flatMap((entry) => (entry.isDirectory() ? [`${entry.name}/`] : [entry.name])).sort();
    return {
      tasks: cp.rows('tasks', 'task_id = ?', taskId).length,
      files: cp.rows('task_files', 'task_id = ?', taskId).map((row) => `${row.kind}:${row.name}:${row.size}`).sort(),
      uploads: cp.rows('uploaded_files', 'task_id = ?', taskId).map((row) => `${row.name}:${row.size}`).sort(),
      callbacks: cp.rows('callbacks', 'task_id = ?', taskId).map((row) => row.state),
      folder: await listing(folder),
      downloads: await listing(join(folder, 'downloads')),
    };
  }

  it('runs the current protocol with each report sent twice: same state, one callback', async () => {
    const taskId = await cp.createTask('twice');
    const now = new Date().toISOString();

    await twice(() => post('/api/v1/start_task', { task_id: taskId, started_at: now, allocated_at: now }));
    await twice(() => post('/api/v1/save_output_data', { task_id: taskId, output_data: [{ text: 'out' }], final_screenshot: null }));
    const answers = await twice(() => post('/api/v1/request_download_upload_urls', { task_id: taskId, filenames: ['report.csv', 'final_screenshot.png'] }));
    const { uploads } = UploadUrlsAnswer.parse(await answers.json());
    for (const upload of uploads) {
      const content = upload.filename === 'final_screenshot.png' ? PNG : Buffer.from('a,b\n1,2\n');
      await twice(() => fetch(upload.upload_url, { method: 'PUT', body: content, headers: { 'content-type': upload.content_type } }));
    }
    await twice(() => post('/api/v1/confirm_downloads', { task_id: taskId, filenames: ['report.csv', 'final_screenshot.png'], downloads_metadata: { 'report.csv': { rows: 1 } } }));
    const trajectoryDir = join(work, taskId);
    await mkdir(join(trajectoryDir, 'logs'), { recursive: true });
    await writeFile(join(trajectoryDir, 'logs', 'optexity.log'), 'step 0\n');
    const trajectory = await createTarGz(trajectoryDir, { arcName: taskId });
    await twice(() => {
      const form = new FormData();
      form.append('task_id', taskId);
      form.append('compressed_trajectory', new Blob([trajectory], { type: 'application/gzip' }), `${taskId}.tar.gz`);
      return cp.request('/api/v1/save_trajectory', { method: 'POST', body: form });
    });
    await twice(() =>
      post('/api/v1/complete_task', { task_id: taskId, child_process_id: 0, unique_child_arn: 'arn', status: 'success', error: null, completed_at: now, retry_count: 1 }),
    );
    const callback = { task_id: taskId, endpoint_name: 'twice', task_callback_url: `${receiver.url}/current`, task_callback_api_key: 'k' };
    await twice(() => post('/api/v1/initiate_callback', callback));

    await vi.waitFor(() => expect(cp.rows('callbacks', 'task_id = ?', taskId)).toEqual([expect.objectContaining({ state: 'delivered' })]), { timeout: 5_000, interval: 10 });
    await settle();
    expect(receiver.at('/current')).toHaveLength(1);
    expect(JSON.parse(receiver.at('/current')[0]?.body.toString('utf8') ?? '')).toMatchObject({ status: 'success', downloads: ['report.csv'] });
    expect(await storedState(taskId)).toEqual({
      tasks: 1,
      files: ['download:report.csv:8'],
      uploads: ['final_screenshot.png:70', 'report.csv:8'],
      callbacks: ['delivered'],
      folder: ['downloads/', 'final_screenshot.png', 'trajectory.tar.gz'],
      downloads: ['report.csv'],
    });
    expect(await detail(taskId)).toMatchObject({
      status: 'success',
      output_data: [{ text: 'out' }],
      downloads: ['report.csv'],
      confirmed_downloads: ['report.csv', 'final_screenshot.png'],
      downloads_metadata: { 'report.csv': { rows: 1 } },
      has_trajectory: true,
      has_final_screenshot: true,
      callback: expect.objectContaining({ state: 'delivered', attempts: 1 }),
    });
  });

  it('runs the Dec-2025 protocol with each report sent twice: same state, one callback', async () => {
    const taskId = await cp.createTask('twice');
    const downloadsDir = join(work, `${taskId}-downloads`);
    await mkdir(downloadsDir, { recursive: true });
    await writeFile(join(downloadsDir, 'report.csv'), 'x\n');
    const archive = await createTarGz(downloadsDir, { arcName: taskId });
    const saveDownloads = () => {
      const form = new FormData();
      form.append('task_id', taskId);
      form.append('compressed_downloads', new Blob([archive], { type: 'application/gzip' }), `${taskId}.tar.gz`);
      form.append('screenshots', new Blob([PNG], { type: 'image/png' }), 'final_screenshot.png');
      return cp.request('/api/v1/save_downloads', { method: 'POST', body: form });
    };

    await twice(saveDownloads);
    const afterFirstPair = await storedState(taskId);
    await twice(saveDownloads);
    expect(await storedState(taskId)).toEqual(afterFirstPair);
    await twice(() => cp.request('/api/v1/callback', { method: 'PUT', json: { task_id: taskId, callback_url: { url: `${receiver.url}/legacy` } } }));

    await vi.waitFor(() => expect(cp.rows('callbacks', 'task_id = ?', taskId)).toEqual([expect.objectContaining({ state: 'delivered' })]), { timeout: 5_000, interval: 10 });
    await settle();
    expect(receiver.at('/legacy')).toHaveLength(1);
    expect(await storedState(taskId)).toEqual({
      tasks: 1,
      files: ['download:report.csv:2', 'screenshot:final_screenshot.png:70'],
      uploads: [],
      callbacks: ['delivered'],
      folder: ['downloads/', 'screenshots/'],
      downloads: ['report.csv'],
    });
  });

  describe('Idempotency-Key', () => {
    const complete = (taskId: string, status: 'success' | 'failed', key?: string) =>
      post(
        '/api/v1/complete_task',
        { task_id: taskId, child_process_id: 0, status, error: status === 'failed' ? 'boom' : null, completed_at: new Date().toISOString(), retry_count: 1 },
        key === undefined ? {} : { 'idempotency-key': key },
      );

    it('answers a known key with the first answer and does not apply the request again', async () => {
      const taskId = await cp.createTask('twice');
      const first = await complete(taskId, 'failed', `complete-${taskId}`);
      expect(first.status).toBe(200);
      const firstBody = await first.json();

      const replay = await complete(taskId, 'success', `complete-${taskId}`);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(firstBody);
      expect(await detail(taskId)).toMatchObject({ status: 'failed', error: 'boom' });
      expect(cp.rows('idempotency_keys', 'key = ?', `complete-${taskId}`)).toHaveLength(1);

      // A new key, or none, is applied.
      expect((await complete(taskId, 'success', `complete-${taskId}-2`)).headers.get('idempotent-replayed')).toBeNull();
      expect(await detail(taskId)).toMatchObject({ status: 'success' });
    });

    it('keeps keys apart per route and never stores a refusal', async () => {
      const taskId = await cp.createTask('twice');
      const key = `shared-${taskId}`;
      const refused = await post('/api/v1/start_task', { task_id: taskId }, { 'idempotency-key': key });
      expect(refused.status).toBe(422);
      const started = await post('/api/v1/start_task', { task_id: taskId, started_at: new Date().toISOString() }, { 'idempotency-key': key });
      expect(started.status).toBe(200);
      expect(started.headers.get('idempotent-replayed')).toBeNull();

      const completed = await complete(taskId, 'success', key);
      expect(completed.headers.get('idempotent-replayed')).toBeNull();
      expect(await detail(taskId)).toMatchObject({ status: 'success' });
    });

    it('replays initiate_callback without starting another delivery', async () => {
      const taskId = await cp.createTask('twice');
      const body = { task_id: taskId, endpoint_name: 'twice', task_callback_url: `${receiver.url}/keyed` };
      const first = await post('/api/v1/initiate_callback', body, { 'idempotency-key': `cb-${taskId}` });
      expect(first.status).toBe(202);
      const replay = await post('/api/v1/initiate_callback', body, { 'idempotency-key': `cb-${taskId}` });
      expect(replay.status).toBe(202);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      await vi.waitFor(() => expect(receiver.at('/keyed')).toHaveLength(1), { timeout: 5_000, interval: 10 });
      await settle();
      expect(receiver.at('/keyed')).toHaveLength(1);
    });

    it('hands out fresh upload URLs for a repeated key, so a late retry never gets expired ones', async () => {
      const taskId = await cp.createTask('twice');
      const ask = () => post('/api/v1/request_download_upload_urls', { task_id: taskId, filenames: ['a.csv'] }, { 'idempotency-key': `${taskId}/upload_files` });
      expect((await ask()).status).toBe(200);
      const repeat = await ask();
      expect(repeat.status).toBe(200);
      expect(repeat.headers.get('idempotent-replayed')).toBeNull();
      expect(cp.rows('idempotency_keys', 'key = ?', `${taskId}/upload_files`)).toEqual([]);
    });

    it('answers 422 naming the header when the key is not printable ASCII', async () => {
      const taskId = await cp.createTask('twice');
      const response = await complete(taskId, 'success', 'has space');
      expect(response.status).toBe(422);
      expect(((await response.json()) as { problems: { path: string }[] }).problems[0]?.path).toBe('headers.idempotency-key');
      expect(await detail(taskId)).toMatchObject({ status: 'queued' });
    });
  });
});
