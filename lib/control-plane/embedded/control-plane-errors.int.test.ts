import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceRequest } from '../../schemas/wire/inference-request.js';
import type { Task } from '../../schemas/wire/task.js';
import { bodyOf, simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../../test/support/control-plane.js';

type TarEntry = { name: string; content?: string; type?: 'file' | 'symlink' | 'directory'; linkname?: string };

/** A gzip tar with exactly the entries given, hostile names included. */
async function tarGzOf(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = pipeline(pack, gzip);
  for (const entry of entries) {
    if (entry.type === 'file' || entry.type === undefined) pack.entry({ name: entry.name }, entry.content ?? 'x');
    else pack.entry({ name: entry.name, type: entry.type, linkname: entry.linkname });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

function downloadsForm(taskId: string, archive: Buffer, screenshotName?: string): FormData {
  const form = new FormData();
  form.append('task_id', taskId);
  form.append('compressed_downloads', new Blob([archive], { type: 'application/gzip' }), `${taskId}.tar.gz`);
  if (screenshotName !== undefined) form.append('screenshots', new Blob([Buffer.from('png')], { type: 'image/png' }), screenshotName);
  return form;
}

describe('embedded control plane: refusals', () => {
  let cp: TestControlPlane;
  let task: Task;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    await cp.writeRecording('refusals', simpleAutomation({ customer: ['acme'], region: ['eu'] }));
    task = await cp.client.requestInference(InferenceRequest.parse({ endpoint_name: 'refusals', input_parameters: { customer: ['a'], region: ['eu'] } }));
  });
  afterAll(async () => cp.close());

  describe('api key', () => {
    it.each([
      ['missing', undefined],
      ['wrong', 'not-the-key'],
      ['wrong but of the same length', 'x'.repeat('test-control-plane-key'.length)],
    ])('answers 401 when the key is %s', async (_case, key) => {
      const headers: Record<string, string> = key === undefined ? { 'x-api-key': '' } : { 'x-api-key': key };
      for (const [method, path] of [
        ['POST', '/api/v1/inference'],
        ['POST', '/api/v1/start_task'],
        ['GET', '/api/v1/tasks'],
        ['GET', `/api/v1/tasks/${task.task_id}`],
        ['GET', '/api/v1/recording/refusals'],
        ['PUT', '/api/v1/automations/refusals'],
        ['POST', '/api/v1/request_download_upload_urls'],
        ['POST', '/api/v1/confirm_downloads'],
        ['POST', '/api/v1/initiate_callback'],
      ] as const) {
        const response = await fetch(new URL(path, cp.url), { method, headers, body: method === 'GET' ? undefined : '{}' });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(await bodyOf(response)).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
      }
    });

    it('needs no key for health and the example pages', async () => {
      expect((await fetch(new URL('/api/v1/health', cp.url))).status).toBe(200);
      expect((await fetch(new URL('/examples/login/', cp.url))).status).toBe(200);
    });
  });

  describe('inference', () => {
    it('answers 404 naming an endpoint without a recording', async () => {
      const response = await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'nope', input_parameters: {} } });
      expect(response.status).toBe(404);
      const body = await bodyOf(response);
      expect(body.code).toBe('RECORDING_NOT_FOUND');
      expect(body.error).toContain('"nope"');
    });

    it('refuses endpoint names that could leave AUTOMATIONS_DIR', async () => {
      const response = await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: '../refusals', input_parameters: {} } });
      expect(response.status).toBe(422);
      expect((await bodyOf(response)).problems).toEqual([expect.objectContaining({ path: 'endpoint_name' })]);
    });

    it('answers 422 RECORDING_INVALID with the problems of a broken recording file', async () => {
      await cp.writeRecording('broken', { parameters: { input_parameters: {}, generated_parameters: {} }, nodes: [] });
      await writeFile(join(cp.settings.AUTOMATIONS_DIR, 'not_json.json'), '{ nope');
      const broken = await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'broken', input_parameters: {} } });
      expect(broken.status).toBe(422);
      expect(await bodyOf(broken)).toMatchObject({ code: 'RECORDING_INVALID', problems: [expect.objectContaining({ path: 'url' })] });
      const notJson = await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'not_json', input_parameters: {} } });
      expect(notJson.status).toBe(422);
      expect((await bodyOf(notJson)).code).toBe('RECORDING_INVALID');
    });

    it('names missing and unexpected parameters', async () => {
      const response = await cp.request('/api/v1/inference', {
        method: 'POST',
        json: { endpoint_name: 'refusals', input_parameters: { customer: ['a'], extra: ['x'] }, secure_parameters: { pin: [{}] } },
      });
      expect(response.status).toBe(422);
      const paths = (await bodyOf(response)).problems.map((problem: { path: string }) => problem.path);
      expect(paths).toEqual(['input_parameters.region', 'input_parameters.extra', 'secure_parameters.pin']);
    });

    it('deduplicates on a unique parameter that is a secure parameter', async () => {
      await cp.writeRecording('secure_unique', {
        ...simpleAutomation({}),
        parameters: { input_parameters: {}, generated_parameters: {}, secure_parameters: { pin: [{ totp: { totp_secret: 'JBSWY3DPEHPK3PXP' } }] } },
      });
      const request = () =>
        cp.request('/api/v1/inference', {
          method: 'POST',
          json: { endpoint_name: 'secure_unique', input_parameters: {}, secure_parameters: { pin: [{ totp: { totp_secret: 'JBSWY3DPEHPK3PXP' } }] }, unique_parameter_names: ['pin'] },
        });
      expect((await request()).status).toBe(200);
      const second = await request();
      expect(second.status).toBe(409);
      expect((await bodyOf(second)).code).toBe('DUPLICATE_TASK');
    });
  });

  describe('bad bodies answer 4xx naming the field, never 5xx', () => {
    const cases: Array<{ name: string; method: string; path: string; body: string; contentType?: string; status: number; field?: string; code?: string }> = [
      { name: 'inference without fields', method: 'POST', path: '/api/v1/inference', body: '{}', status: 422, field: 'endpoint_name' },
      { name: 'inference with wrong types', method: 'POST', path: '/api/v1/inference', body: '{"endpoint_name":"refusals","input_parameters":{"customer":"a"}}', status: 422, field: 'input_parameters.customer' },
      { name: 'inference that is not JSON', method: 'POST', path: '/api/v1/inference', body: 'endpoint_name=x', status: 400, code: 'BAD_JSON' },
      { name: 'inference without a body', method: 'POST', path: '/api/v1/inference', body: '', status: 400, code: 'BAD_JSON' },
      { name: 'start_task without started_at', method: 'POST', path: '/api/v1/start_task', body: '{"task_id":"x"}', status: 422, field: 'started_at' },
      { name: 'start_task with a naive time', method: 'POST', path: '/api/v1/start_task', body: '{"task_id":"x","started_at":"2026-01-01T10:00:00"}', status: 422, field: 'started_at' },
      { name: 'complete_task with an unknown status', method: 'POST', path: '/api/v1/complete_task', body: '{"task_id":"x","child_process_id":0,"status":"done","error":null,"completed_at":"2026-01-01T10:00:00Z","retry_count":1}', status: 422, field: 'status' },
      { name: 'save_output_data with a non-image screenshot', method: 'POST', path: '/api/v1/save_output_data', body: '{"task_id":"x","output_data":[],"final_screenshot":"abc"}', status: 422, field: 'final_screenshot' },
      { name: 'callback with a non-http url', method: 'PUT', path: '/api/v1/callback', body: '{"task_id":"x","callback_url":{"url":"ftp://example.com/"}}', status: 422, field: 'callback_url.url' },
      { name: 'save_downloads as JSON', method: 'POST', path: '/api/v1/save_downloads', body: '{"task_id":"x"}', status: 400, code: 'BAD_MULTIPART' },
      { name: 'save_trajectory with a broken multipart body', method: 'POST', path: '/api/v1/save_trajectory', body: 'garbage', contentType: 'multipart/form-data; boundary=abc', status: 400, code: 'BAD_MULTIPART' },
      { name: 'automation PUT that is not JSON', method: 'PUT', path: '/api/v1/automations/x', body: '{', status: 400, code: 'BAD_JSON' },
    ];
    it.each(cases)('$name → $status', async ({ method, path, body, contentType, status, field, code }) => {
      const response = await cp.request(path, { method, body, headers: { 'content-type': contentType ?? 'application/json' } });
      expect(response.status).toBe(status);
      const answer = await bodyOf(response);
      if (field) expect(answer.problems.map((problem: { path: string }) => problem.path)).toContain(field);
      if (code) expect(answer.code).toBe(code);
    });

    it('answers 404 naming an unknown task id in every report', async () => {
      const at = '2026-01-01T10:00:00Z';
      for (const [path, body] of [
        ['/api/v1/start_task', { task_id: 'ghost-task', started_at: at }],
        ['/api/v1/complete_task', { task_id: 'ghost-task', child_process_id: 0, status: 'success', error: null, completed_at: at, retry_count: 1 }],
        ['/api/v1/save_output_data', { task_id: 'ghost-task', output_data: [], final_screenshot: null }],
      ] as const) {
        const response = await cp.request(path, { method: 'POST', json: body });
        expect(response.status, path).toBe(404);
        expect((await bodyOf(response)).error).toContain('"ghost-task"');
      }
      const callback = await cp.request('/api/v1/callback', { method: 'PUT', json: { task_id: 'ghost-task', callback_url: { url: 'http://127.0.0.1:9/' } } });
      expect(callback.status).toBe(404);
      const upload = await cp.request('/api/v1/save_downloads', { method: 'POST', body: downloadsForm('ghost-task', await tarGzOf([])) });
      expect(upload.status).toBe(404);
      expect((await cp.request('/api/v1/tasks/ghost-task')).status).toBe(404);
    });

    it('names the multipart fields that are missing or wrong', async () => {
      const noTaskId = new FormData();
      noTaskId.append('compressed_downloads', new Blob([await tarGzOf([])]), 'x.tar.gz');
      const missing = await cp.request('/api/v1/save_downloads', { method: 'POST', body: noTaskId });
      expect(missing.status).toBe(422);
      expect((await bodyOf(missing)).problems[0].path).toBe('task_id');

      const noFile = new FormData();
      noFile.append('task_id', task.task_id);
      const noTrajectory = await cp.request('/api/v1/save_trajectory', { method: 'POST', body: noFile });
      expect(noTrajectory.status).toBe(422);
      expect((await bodyOf(noTrajectory)).problems[0].path).toBe('compressed_trajectory');

      const notGzip = new FormData();
      notGzip.append('task_id', task.task_id);
      notGzip.append('compressed_trajectory', new Blob([Buffer.from('plain text')]), 'x.tar.gz');
      const refused = await cp.request('/api/v1/save_trajectory', { method: 'POST', body: notGzip });
      expect(refused.status).toBe(422);
      expect((await bodyOf(refused)).problems[0].path).toBe('compressed_trajectory');

      const corrupt = await cp.request('/api/v1/save_downloads', { method: 'POST', body: downloadsForm(task.task_id, Buffer.from([0x1f, 0x8b, 1, 2, 3])) });
      expect(corrupt.status).toBe(422);
      expect((await bodyOf(corrupt)).problems[0].path).toBe('compressed_downloads');

      const badScreenshot = await cp.request('/api/v1/save_downloads', { method: 'POST', body: downloadsForm(task.task_id, await tarGzOf([]), '..') });
      expect(badScreenshot.status).toBe(422);
      expect((await bodyOf(badScreenshot)).problems[0].path).toBe('screenshots[0].filename');
    });
  });

  describe('download archives', () => {
    const tasksDir = () => join(cp.dataDir, 'tasks');

    it.each([
      ['a parent-folder entry', (id: string) => `${id}/../evil.txt`],
      ['a bare parent-folder entry', () => '../evil.txt'],
      ['an absolute entry', () => '/tmp/evil.txt'],
      ['an entry outside the task folder', () => 'another-task/evil.txt'],
    ])('refuses an archive with %s and writes nothing', async (_case, nameOf) => {
      const archive = await tarGzOf([{ name: `${task.task_id}/fine.txt`, content: 'fine' }, { name: nameOf(task.task_id), content: 'evil' }]);
      const response = await cp.request('/api/v1/save_downloads', { method: 'POST', body: downloadsForm(task.task_id, archive) });
      expect(response.status).toBe(422);
      expect(await bodyOf(response)).toMatchObject({ code: 'VALIDATION_FAILED', problems: [expect.objectContaining({ path: 'compressed_downloads' })] });
      expect(await readdir(tasksDir())).not.toContain('evil.txt');
      const taskFolder = await readdir(join(tasksDir(), task.task_id)).catch(() => [] as string[]);
      expect(taskFolder.filter((name) => name.includes('downloads'))).toEqual([]);
      expect((await bodyOf(await cp.request(`/api/v1/tasks/${task.task_id}`))).downloads).toEqual([]);
    });

    it('stores regular files only: links and folders in the archive are skipped', async () => {
      const archive = await tarGzOf([
        { name: `${task.task_id}/`, type: 'directory' },
        { name: `${task.task_id}/passwd`, type: 'symlink', linkname: '/etc/passwd' },
        { name: `${task.task_id}/report.csv`, content: 'a,b\n' },
      ]);
      const response = await cp.request('/api/v1/save_downloads', { method: 'POST', body: downloadsForm(task.task_id, archive) });
      expect(response.status).toBe(200);
      expect((await bodyOf(response)).downloads).toEqual(['report.csv']);
      const stored = join(tasksDir(), task.task_id, 'downloads');
      expect(await readdir(stored)).toEqual(['report.csv']);
      expect(await readFile(join(stored, 'report.csv'), 'utf8')).toBe('a,b\n');
      expect((await stat(join(stored, 'report.csv'))).isFile()).toBe(true);
    });

    it('serves stored files only, never a path that climbs out of the task', async () => {
      for (const path of [
        `/api/v1/tasks/${task.task_id}/downloads/..%2F..%2F..%2Fcontrol-plane.sqlite`,
        `/api/v1/tasks/${task.task_id}/downloads/missing.csv`,
        `/api/v1/tasks/${task.task_id}/screenshots/..%2F..%2F..%2Fcontrol-plane.sqlite`,
        `/api/v1/tasks/${task.task_id}/trajectory`,
        `/api/v1/tasks/${task.task_id}/final_screenshot`,
      ]) {
        expect((await cp.request(path)).status, path).toBe(404);
      }
    });
  });

  describe('automations', () => {
    it('answers 422 naming the path of the problem and writes nothing', async () => {
      const invalid = {
        url: 'http://localhost:8000/',
        parameters: { input_parameters: {}, generated_parameters: {} },
        nodes: [{ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button")', button: 'sideways' } } }],
      };
      const response = await cp.request('/api/v1/automations/put_test', { method: 'PUT', json: { automation: invalid } });
      expect(response.status).toBe(422);
      const body = await bodyOf(response);
      expect(body.code).toBe('RECORDING_INVALID');
      expect(body.problems.map((problem: { path: string }) => problem.path)).toContain('nodes[0].interaction_action.click_element.button');
      expect(await readdir(cp.settings.AUTOMATIONS_DIR)).not.toContain('put_test.json');
      expect((await cp.request('/api/v1/automations/bad%20name', { method: 'PUT', json: simpleAutomation() })).status).toBe(422);
    });

    it('writes a valid automation (wrapped or bare): 201 when new, 200 when replaced', async () => {
      const created = await cp.request('/api/v1/automations/put_test', { method: 'PUT', json: { automation: simpleAutomation() } });
      expect(created.status).toBe(201);
      expect(await bodyOf(created)).toMatchObject({ success: true, endpoint_name: 'put_test', created: true });
      const replaced = await cp.request('/api/v1/automations/put_test', { method: 'PUT', json: simpleAutomation({ who: ['bob'] }) });
      expect(replaced.status).toBe(200);
      const file = JSON.parse(await readFile(join(cp.settings.AUTOMATIONS_DIR, 'put_test.json'), 'utf8'));
      expect(file).toEqual({ endpoint_name: 'put_test', automation: simpleAutomation({ who: ['bob'] }) });
      expect((await readdir(cp.settings.AUTOMATIONS_DIR)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      const list = await bodyOf(await cp.request('/api/v1/automations'));
      expect(list.automations).toEqual(expect.arrayContaining(['put_test', 'refusals']));
      const inference = await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'put_test', input_parameters: { who: ['x'] } } });
      expect(inference.status).toBe(200);
    });
  });
});
