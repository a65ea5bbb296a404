import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadUrlsAnswer } from '../../schemas/wire/control-plane-requests.js';
import { createClock, startHarness, type Harness } from '../../../test/support/control-plane-harness.js';
import { createUploadUrlSigner, UPLOAD_SIGNING_KEY_NAME, UPLOADS_PATH, uploadUrlOf } from './upload-urls.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('embedded control plane: signed upload URLs and confirm_downloads', () => {
  let cp: Harness;
  const clock = createClock();

  beforeAll(async () => {
    cp = await startHarness({ now: clock.now, uploadUrlTtlSeconds: 600, maxUploadBytes: 64 * 1024 });
    await cp.writeRecording('uploads');
  });
  afterAll(async () => cp.close());

  async function uploadUrls(taskId: string, filenames: string[]) {
    const response = await cp.request('/api/v1/request_download_upload_urls', { method: 'POST', json: { task_id: taskId, filenames } });
    expect(response.status).toBe(200);
    return UploadUrlsAnswer.parse(await response.json()).uploads;
  }

  /** A PUT as the worker sends it: raw bytes, the answered content type, no API key. */
  const put = (uploadUrl: string, content: Buffer | string, contentType = 'application/octet-stream') =>
    fetch(uploadUrl, { method: 'PUT', body: content, headers: { 'content-type': contentType } });

  const detail = async (taskId: string) => (await cp.request(`/api/v1/tasks/${taskId}`)).json() as Promise<Record<string, unknown>>;
  const taskFolder = (taskId: string) => join(cp.settings.DATA_DIR, 'tasks', taskId);

  it('answers one signed URL per file, pointing back here, with the content type of its extension', async () => {
    const taskId = await cp.createTask('uploads');
    const uploads = await uploadUrls(taskId, ['report.csv', 'scan.pdf', 'final_screenshot.png', 'blob']);

    expect(uploads.map((upload) => [upload.filename, upload.content_type])).toEqual([
      ['report.csv', 'text/csv; charset=utf-8'],
      ['scan.pdf', 'application/pdf'],
      ['final_screenshot.png', 'image/png'],
      ['blob', 'application/octet-stream'],
    ]);
    for (const upload of uploads) {
      const url = new URL(upload.upload_url);
      expect(url.origin).toBe(cp.url);
      expect(url.pathname).toBe(`/api/v1/uploads/${taskId}/${encodeURIComponent(upload.filename)}`);
      expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(url.searchParams.get('expires'))).toBe(Math.floor(clock.now().getTime() / 1000) + 600);
    }
  });

  it('stores a PUT without an API key: downloads by name, final_screenshot.png as the final screenshot', async () => {
    const taskId = await cp.createTask('uploads');
    const [csv, screenshot] = await uploadUrls(taskId, ['report.csv', 'final_screenshot.png']);

    const stored = await put(csv?.upload_url ?? '', 'id,amount\nr1,10\n', csv?.content_type);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ success: true, task_id: taskId, filename: 'report.csv', size: 16, stored_as: 'download' });
    expect((await put(screenshot?.upload_url ?? '', PNG, 'image/png')).status).toBe(200);

    expect(await detail(taskId)).toMatchObject({ downloads: ['report.csv'], has_final_screenshot: true, confirmed_downloads: null });
    const file = await cp.request(`/api/v1/tasks/${taskId}/downloads/report.csv`);
    expect(await file.text()).toBe('id,amount\nr1,10\n');
    const final = await cp.request(`/api/v1/tasks/${taskId}/final_screenshot`);
    expect(Buffer.from(await final.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('overwrites a re-uploaded file: one row, one file, no temporary file left', async () => {
    const taskId = await cp.createTask('uploads');
    const [csv] = await uploadUrls(taskId, ['report.csv']);
    expect((await put(csv?.upload_url ?? '', 'first')).status).toBe(200);
    expect((await put(csv?.upload_url ?? '', 'second, longer')).status).toBe(200);

    expect(await (await cp.request(`/api/v1/tasks/${taskId}/downloads/report.csv`)).text()).toBe('second, longer');
    expect(cp.rows('uploaded_files', 'task_id = ?', taskId)).toEqual([expect.objectContaining({ name: 'report.csv', size: 14 })]);
    expect(cp.rows('task_files', 'task_id = ?', taskId)).toEqual([expect.objectContaining({ kind: 'download', name: 'report.csv', size: 14 })]);
    expect((await readdir(taskFolder(taskId))).sort()).toEqual(['downloads']);
    expect(await readdir(join(taskFolder(taskId), 'downloads'))).toEqual(['report.csv']);
  });

  it('answers 422 naming each file name that is a path trick', async () => {
    const taskId = await cp.createTask('uploads');
    const response = await cp.request('/api/v1/request_download_upload_urls', {
      method: 'POST',
      json: { task_id: taskId, filenames: ['ok.csv', '../evil.csv', 'a/b.csv', '..', 'c\\d', 'nul\u0000.txt'] },
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { problems: { path: string; message: string }[] };
    expect(body.problems.map((problem) => problem.path)).toEqual(['filenames[1]', 'filenames[2]', 'filenames[3]', 'filenames[4]', 'filenames[5]']);
    expect(body.problems[0]?.message).toContain('path separator');
  });

  it('answers 422 for a missing task_id and 404 for a task it does not know', async () => {
    const missing = await cp.request('/api/v1/request_download_upload_urls', { method: 'POST', json: { filenames: ['a.csv'] } });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { problems: { path: string }[] }).problems[0]?.path).toBe('task_id');
    const unknown = await cp.request('/api/v1/request_download_upload_urls', { method: 'POST', json: { task_id: 'no-such-task', filenames: ['a.csv'] } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain('"no-such-task"');
  });

  it('needs the API key to hand out URLs', async () => {
    const response = await cp.request('/api/v1/request_download_upload_urls', {
      method: 'POST',
      headers: { 'x-api-key': 'wrong-key-value' },
      json: { task_id: 'x', filenames: [] },
    });
    expect(response.status).toBe(401);
  });

  it('answers 403 to a changed signature, file name, task or expiry, and stores nothing', async () => {
    const taskId = await cp.createTask('uploads');
    const otherTask = await cp.createTask('uploads');
    const [csv] = await uploadUrls(taskId, ['report.csv']);
    const url = new URL(csv?.upload_url ?? '');
    const signature = url.searchParams.get('signature') ?? '';
    const variants = [
      Object.assign(new URL(url), { search: `?expires=${url.searchParams.get('expires')}&signature=${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}` }),
      Object.assign(new URL(url), { pathname: `/api/v1/uploads/${taskId}/other.csv` }),
      Object.assign(new URL(url), { pathname: `/api/v1/uploads/${otherTask}/report.csv` }),
      Object.assign(new URL(url), { search: `?expires=${Number(url.searchParams.get('expires')) + 3600}&signature=${signature}` }),
      Object.assign(new URL(url), { search: `?expires=${url.searchParams.get('expires')}` }),
      Object.assign(new URL(url), { search: '' }),
    ];
    for (const variant of variants) {
      const response = await put(variant.toString(), 'forged');
      expect(response.status, variant.toString()).toBe(403);
      expect(await response.json()).toMatchObject({ success: false, code: 'FORBIDDEN' });
    }
    expect(cp.rows('uploaded_files', 'task_id IN (?, ?)', taskId, otherTask)).toEqual([]);
  });

  it('answers 403 to a path trick in an upload URL and writes nothing outside the task', async () => {
    const taskId = await cp.createTask('uploads');
    const [csv] = await uploadUrls(taskId, ['report.csv']);
    const query = new URL(csv?.upload_url ?? '').search;
    for (const path of [`/api/v1/uploads/${taskId}/..%2F..%2Fescape.csv`, `/api/v1/uploads/${taskId}/..`, `/api/v1/uploads/${taskId}/a/b.csv`, `/api/v1/uploads/..%2F${taskId}/report.csv`]) {
      const response = await fetch(`${cp.url}${path}${query}`, { method: 'PUT', body: 'x' });
      expect(response.status, path).toBe(403);
    }
    expect(await readdir(join(cp.settings.DATA_DIR, 'tasks')).catch(() => [])).not.toContain('escape.csv');
    expect(await readdir(cp.settings.DATA_DIR)).not.toContain('escape.csv');
  });

  it('answers 403 once the URL has expired', async () => {
    const taskId = await cp.createTask('uploads');
    const [csv] = await uploadUrls(taskId, ['late.csv']);
    clock.advanceSeconds(601);
    const response = await put(csv?.upload_url ?? '', 'too late');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe('Upload URL has expired');
    expect(cp.rows('uploaded_files', 'task_id = ?', taskId)).toEqual([]);
  });

  it('answers 413 to a file above the limit, declared or streamed, and keeps the earlier upload', async () => {
    const taskId = await cp.createTask('uploads');
    const [big] = await uploadUrls(taskId, ['big.bin']);
    expect((await put(big?.upload_url ?? '', 'small and fine')).status).toBe(200);

    const declared = await put(big?.upload_url ?? '', Buffer.alloc(64 * 1024 + 1));
    expect(declared.status).toBe(413);
    // No length announced: the limit is found while the body streams in.
    const chunks = [Buffer.alloc(40 * 1024), Buffer.alloc(40 * 1024)];
    const streamed = await fetch(big?.upload_url ?? '', {
      method: 'PUT',
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);

    expect(await (await cp.request(`/api/v1/tasks/${taskId}/downloads/big.bin`)).text()).toBe('small and fine');
    expect((await readdir(taskFolder(taskId))).sort()).toEqual(['downloads']);
  });

  it('answers 404 to a well-signed URL of a task it does not know', async () => {
    // Signed with this control plane's own key, read from its database.
    const [row] = cp.rows('secrets', 'name = ?', UPLOAD_SIGNING_KEY_NAME);
    const signer = createUploadUrlSigner(row?.value as Buffer);
    const grant = { taskId: 'ghost-task', filename: 'a.csv', expires: Math.floor(clock.now().getTime() / 1000) + 60 };
    const response = await put(uploadUrlOf(cp.url, UPLOADS_PATH, grant, signer.sign(grant)), 'x');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain('"ghost-task"');
  });

  describe('confirm_downloads', () => {
    async function uploaded(names: string[]): Promise<string> {
      const taskId = await cp.createTask('uploads');
      for (const upload of await uploadUrls(taskId, names)) expect((await put(upload.upload_url, `content of ${upload.filename}`)).status).toBe(200);
      return taskId;
    }
    const confirm = (body: Record<string, unknown>) => cp.request('/api/v1/confirm_downloads', { method: 'POST', json: body });

    it('lists the confirmed files and their metadata in the task view', async () => {
      const taskId = await uploaded(['a.csv', 'b.pdf', 'final_screenshot.png', 'unconfirmed.txt']);
      const metadata = { 'a.csv': { rows: 2 }, 'b.pdf': { pages: 1 } };
      const response = await confirm({ task_id: taskId, filenames: ['a.csv', 'b.pdf', 'final_screenshot.png'], downloads_metadata: metadata });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ success: true, task_id: taskId, filenames: ['a.csv', 'b.pdf', 'final_screenshot.png'] });

      expect(await detail(taskId)).toMatchObject({
        downloads: ['a.csv', 'b.pdf'],
        confirmed_downloads: ['a.csv', 'b.pdf', 'final_screenshot.png'],
        downloads_metadata: metadata,
        has_final_screenshot: true,
      });
      expect((await cp.request(`/api/v1/tasks/${taskId}/downloads/unconfirmed.txt`)).status).toBe(404);
      expect(await (await cp.request(`/api/v1/tasks/${taskId}/downloads/b.pdf`)).text()).toBe('content of b.pdf');
    });

    it('replaces the list on a repeat, and a repeat of the same report changes nothing', async () => {
      const taskId = await uploaded(['a.csv', 'b.csv']);
      expect((await confirm({ task_id: taskId, filenames: ['a.csv', 'b.csv'] })).status).toBe(200);
      expect((await confirm({ task_id: taskId, filenames: ['b.csv'], downloads_metadata: { 'b.csv': { n: 1 } } })).status).toBe(200);
      expect((await confirm({ task_id: taskId, filenames: ['b.csv'], downloads_metadata: { 'b.csv': { n: 1 } } })).status).toBe(200);

      expect(await detail(taskId)).toMatchObject({ downloads: ['b.csv'], confirmed_downloads: ['b.csv'], downloads_metadata: { 'b.csv': { n: 1 } } });
      expect(cp.rows('task_files', 'task_id = ?', taskId)).toHaveLength(1);
    });

    it('answers 422 naming a confirmed file that was never uploaded, and changes nothing', async () => {
      const taskId = await uploaded(['a.csv']);
      const response = await confirm({ task_id: taskId, filenames: ['a.csv', 'ghost.csv'] });
      expect(response.status).toBe(422);
      const body = (await response.json()) as { problems: { path: string; message: string }[] };
      expect(body.problems).toEqual([{ path: 'filenames[1]', message: '"ghost.csv" was never uploaded' }]);
      expect(await detail(taskId)).toMatchObject({ downloads: ['a.csv'], confirmed_downloads: null });
    });

    it('answers 422 naming a path trick and 404 for an unknown task', async () => {
      const bad = await confirm({ task_id: 'whatever', filenames: ['fine.csv', '../../etc/passwd'] });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { problems: { path: string }[] }).problems.map((problem) => problem.path)).toEqual(['filenames[1]']);
      expect((await confirm({ task_id: 'no-such-task', filenames: [] })).status).toBe(404);
      const metadata = await confirm({ task_id: 'x', filenames: [], downloads_metadata: { 'a.csv': 'not an object' } });
      expect(metadata.status).toBe(422);
      expect(((await metadata.json()) as { problems: { path: string }[] }).problems[0]?.path).toBe('downloads_metadata.a.csv');
    });
  });
});

describe('embedded control plane: upload URLs under the path of SERVER_URL', () => {
  it('points the URLs at the same path prefix and stores the PUT', async () => {
    const cp = await startHarness({ settings: { SERVER_URL: 'http://localhost:8000/optexity/' } });
    try {
      await cp.writeRecording('prefixed');
      const inference = await cp.request('/optexity/api/v1/inference', { method: 'POST', json: { endpoint_name: 'prefixed', input_parameters: { who: ['a'] } } });
      const taskId = (JSON.parse(((await inference.json()) as { task: string }).task) as { task_id: string }).task_id;
      const answer = await cp.request('/optexity/api/v1/request_download_upload_urls', { method: 'POST', json: { task_id: taskId, filenames: ['a.txt'] } });
      const [upload] = UploadUrlsAnswer.parse(await answer.json()).uploads;
      expect(new URL(upload?.upload_url ?? '').pathname).toBe(`/optexity/api/v1/uploads/${taskId}/a.txt`);
      expect((await fetch(upload?.upload_url ?? '', { method: 'PUT', body: 'hi' })).status).toBe(200);
      expect(await (await cp.request(`/optexity/api/v1/tasks/${taskId}/downloads/a.txt`)).text()).toBe('hi');
      // The unprefixed path is not an upload URL of this control plane.
      const unprefixed = new URL(upload?.upload_url ?? '');
      unprefixed.pathname = unprefixed.pathname.replace('/optexity', '');
      expect((await fetch(unprefixed, { method: 'PUT', body: 'hi' })).status).toBe(404);
    } finally {
      await cp.close();
    }
  });
});
