import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarGz, readTarGz } from '../../artifacts/tar-gz.js';
import { ControlPlaneRejectedError } from '../../errors.js';
import { InferenceRequest } from '../../schemas/wire/inference-request.js';
import { Task } from '../../schemas/wire/task.js';
import { bodyOf, simpleAutomation, startTestControlPlane, TEST_API_KEY, TINY_PNG_BASE64, type TestControlPlane } from '../../../test/support/control-plane.js';

const now = () => new Date().toISOString();

describe('embedded control plane: a task from inference to its last report', () => {
  let cp: TestControlPlane;
  let work: string;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    work = await mkdtemp(join(tmpdir(), 'control-plane-flow-'));
    await cp.writeRecording('flow_test', simpleAutomation({ customer: ['acme'], region: ['eu'] }));
  });
  afterAll(async () => {
    await cp.close();
    await rm(work, { recursive: true, force: true });
  });

  const request = (customer: string) =>
    InferenceRequest.parse({ endpoint_name: 'flow_test', input_parameters: { customer: [customer], region: ['eu'] }, unique_parameter_names: ['customer'] });

  it('answers inference with the task as a JSON string that the worker client parses', async () => {
    const response = await cp.request('/api/v1/inference', { method: 'POST', json: request('raw-check') });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { task: unknown };
    expect(typeof body.task).toBe('string');
    const task = Task.parse(JSON.parse(String(body.task)));
    expect(task).toMatchObject({
      user_id: 'local',
      recording_id: 'flow_test',
      endpoint_name: 'flow_test',
      status: 'queued',
      api_key: TEST_API_KEY,
      input_parameters: { customer: ['raw-check'], region: ['eu'] },
      automation: simpleAutomation({ customer: ['acme'], region: ['eu'] }),
    });
    expect(task.created_at).toMatch(/(Z|[+-]\d\d:\d\d)$/);
    expect(task.dedup_key).toBe('{"customer": ["raw-check"]}local');
  });

  it('runs the whole protocol through the worker client and shows the result', async () => {
    // Prepare
    const task = await cp.client.requestInference(request('acme'));
    const downloadsDir = join(work, 'downloads');
    await mkdir(join(downloadsDir, 'nested'), { recursive: true });
    const csv = Buffer.from('id,amount\nr1,10\n');
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    await writeFile(join(downloadsDir, 'report.csv'), csv);
    await writeFile(join(downloadsDir, 'nested', 'scan.pdf'), pdf);
    const downloadsArchive = await createTarGz(downloadsDir, { arcName: task.task_id });
    const taskDir = join(work, 'task');
    await mkdir(join(taskDir, 'logs'), { recursive: true });
    await writeFile(join(taskDir, 'logs', 'optexity.log'), 'step 0\n');
    const trajectory = await createTarGz(taskDir, { arcName: task.task_id, exclude: ['downloads'] });

    // Act
    await cp.client.startTask(task.api_key, { task_id: task.task_id, started_at: now(), allocated_at: now() });
    await cp.client.saveOutputData(task.api_key, {
      task_id: task.task_id,
      output_data: [{ unique_identifier: 'account', json_data: { body: { plan: 'pro' } } }],
      final_screenshot: TINY_PNG_BASE64,
      for_loop_status: [[{ variable_name: 'ids', index: 0, value: 'r1', status: 'success' }]],
    });
    const uploadDownloads = () =>
      cp.client.saveDownloads(task.api_key, task.task_id, [
        { field: 'compressed_downloads', filename: `${task.task_id}.tar.gz`, contentType: 'application/gzip', content: downloadsArchive },
        { field: 'screenshots', filename: 'account', contentType: 'image/png', content: Buffer.from(TINY_PNG_BASE64, 'base64') },
        { field: 'screenshots', filename: 'final_screenshot.png', contentType: 'image/png', content: Buffer.from(TINY_PNG_BASE64, 'base64') },
      ]);
    await uploadDownloads();
    await uploadDownloads();
    await cp.client.saveTrajectory(task.api_key, task.task_id, {
      field: 'compressed_trajectory',
      filename: `${task.task_id}.tar.gz`,
      contentType: 'application/gzip',
      content: trajectory,
    });
    await cp.client.completeTask(task.api_key, {
      task_id: task.task_id,
      child_process_id: 0,
      unique_child_arn: null,
      status: 'success',
      error: null,
      completed_at: now(),
      token_usage: null,
      retry_count: 1,
    });

    // Assess
    const detail = await bodyOf(await cp.request(`/api/v1/tasks/${task.task_id}`));
    expect(detail).toMatchObject({
      task_id: task.task_id,
      endpoint_name: 'flow_test',
      status: 'success',
      error: null,
      input_parameters: { customer: ['acme'], region: ['eu'] },
      secure_parameters: [],
      output_data: [{ unique_identifier: 'account', json_data: { body: { plan: 'pro' } } }],
      for_loop_status: [[{ variable_name: 'ids', index: 0, value: 'r1', status: 'success' }]],
      downloads: ['nested/scan.pdf', 'report.csv'],
      screenshots: ['account', 'final_screenshot.png'],
      has_final_screenshot: true,
      has_trajectory: true,
      retry_count: 1,
    });
    for (const key of ['started_at', 'allocated_at', 'completed_at']) expect(detail[key]).toEqual(expect.any(String));

    const file = await cp.request(`/api/v1/tasks/${task.task_id}/downloads/report.csv`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('attachment; filename="report.csv"');
    expect(Buffer.from(await file.arrayBuffer()).equals(csv)).toBe(true);
    const nested = await cp.request(`/api/v1/tasks/${task.task_id}/downloads/nested/scan.pdf`);
    expect(nested.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await nested.arrayBuffer()).equals(pdf)).toBe(true);

    const storedTrajectory = await cp.request(`/api/v1/tasks/${task.task_id}/trajectory`);
    expect(storedTrajectory.headers.get('content-type')).toBe('application/gzip');
    const trajectoryBytes = Buffer.from(await storedTrajectory.arrayBuffer());
    expect(trajectoryBytes.equals(trajectory)).toBe(true);
    expect((await readTarGz(trajectoryBytes)).map((entry) => entry.path)).toEqual([`${task.task_id}/logs/optexity.log`]);

    const screenshot = await cp.request(`/api/v1/tasks/${task.task_id}/final_screenshot`);
    expect(screenshot.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await screenshot.arrayBuffer()).equals(Buffer.from(TINY_PNG_BASE64, 'base64'))).toBe(true);
  });

  it('refuses a duplicate while the first task is active, with its task_id, and accepts it once completed', async () => {
    const first = await cp.client.requestInference(request('dup'));

    const error = await cp.client.requestInference(request('dup')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ControlPlaneRejectedError);
    expect((error as ControlPlaneRejectedError).upstreamStatus).toBe(409);
    const raw = await cp.request('/api/v1/inference', { method: 'POST', json: request('dup') });
    expect(raw.status).toBe(409);
    expect(await raw.json()).toMatchObject({ code: 'DUPLICATE_TASK', task_id: first.task_id });

    await cp.client.startTask(first.api_key, { task_id: first.task_id, started_at: now() });
    expect((await cp.request('/api/v1/inference', { method: 'POST', json: request('dup') })).status).toBe(409);

    await cp.client.completeTask(first.api_key, {
      task_id: first.task_id,
      child_process_id: 0,
      status: 'failed',
      error: 'boom',
      completed_at: now(),
      retry_count: 1,
    });
    const second = await cp.client.requestInference(request('dup'));
    expect(second.task_id).not.toBe(first.task_id);
  });

  it('never deduplicates requests without unique parameters', async () => {
    const plain = InferenceRequest.parse({ endpoint_name: 'flow_test', input_parameters: { customer: ['same'], region: ['eu'] } });
    const a = await cp.client.requestInference(plain);
    const b = await cp.client.requestInference(plain);
    expect(a.task_id).not.toBe(b.task_id);
  });

  it('overwrites repeated reports instead of adding rows', async () => {
    const task = await cp.client.requestInference(request('repeat'));
    const report = (status: 'failed' | 'success', error: string | null) =>
      cp.client.completeTask(task.api_key, { task_id: task.task_id, child_process_id: 0, status, error, completed_at: now(), retry_count: 1 });
    await report('failed', 'first try');
    await report('success', null);
    await cp.client.saveOutputData(task.api_key, { task_id: task.task_id, output_data: [{ text: 'one' }], final_screenshot: TINY_PNG_BASE64 });
    await cp.client.saveOutputData(task.api_key, { task_id: task.task_id, output_data: [{ text: 'two' }], final_screenshot: null });

    const detail = await bodyOf(await cp.request(`/api/v1/tasks/${task.task_id}`));
    expect(detail).toMatchObject({ status: 'success', error: null, output_data: [{ text: 'two' }], has_final_screenshot: false });
    const listed = await bodyOf(await cp.request('/api/v1/tasks?limit=500'));
    expect(listed.tasks.filter((row: { task_id: string }) => row.task_id === task.task_id)).toHaveLength(1);
  });

  it('lists recent tasks newest first, filtered by status and limited', async () => {
    const latest = await cp.client.requestInference(request('latest'));
    const newest = await bodyOf(await cp.request('/api/v1/tasks?limit=1'));
    expect(newest.tasks).toEqual([expect.objectContaining({ task_id: latest.task_id, status: 'queued', endpoint_name: 'flow_test' })]);

    const successes = await bodyOf(await cp.request('/api/v1/tasks?status=success'));
    expect(successes.tasks.length).toBeGreaterThan(0);
    expect(successes.tasks.every((row: { status: string }) => row.status === 'success')).toBe(true);

    const tooMany = await cp.request('/api/v1/tasks?limit=501');
    expect(tooMany.status).toBe(422);
    expect((await bodyOf(tooMany)).problems[0].path).toBe('limit');
    expect((await cp.request('/api/v1/tasks?status=done')).status).toBe(422);
  });

  it('keeps secure parameter values out of the task view', async () => {
    await cp.writeRecording('secure_test', {
      ...simpleAutomation({ user: ['a'] }),
      parameters: { input_parameters: { user: ['a'] }, generated_parameters: {}, secure_parameters: { pin: [{ totp: { totp_secret: 'JBSWY3DPEHPK3PXP' } }] } },
    });
    const task = await cp.client.requestInference(
      InferenceRequest.parse({ endpoint_name: 'secure_test', input_parameters: { user: ['a'] }, secure_parameters: { pin: [{ totp: { totp_secret: 'JBSWY3DPEHPK3PXP' } }] } }),
    );
    expect(task.secure_parameters).toEqual({ pin: [{ totp: { totp_secret: 'JBSWY3DPEHPK3PXP' } }] });
    const text = await (await cp.request(`/api/v1/tasks/${task.task_id}`)).text();
    expect(JSON.parse(text).secure_parameters).toEqual(['pin']);
    expect(text).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it('serves the recording to the worker and answers health without a key', async () => {
    const recording = await cp.request('/api/v1/recording/flow_test');
    expect(await recording.json()).toEqual({ automation: simpleAutomation({ customer: ['acme'], region: ['eu'] }), callback_url: null });
    const health = await fetch(new URL('/api/v1/health', cp.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'healthy' });
  });
});
