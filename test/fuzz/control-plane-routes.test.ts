import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, simpleAutomation, startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../support/control-plane.js';
import { checkAnswer, FUZZ_SEED, hostileBody, hostileHeaders, hostileRequest, send } from './http-fuzz.js';

/** `{…}` in a path is filled per request: the real task, or a hostile segment. */
const ROUTES = [
  ['GET', '/api/v1/health'],
  ['POST', '/api/v1/inference'],
  ['GET', '/api/v1/recording/{name}'],
  ['POST', '/api/v1/start_task'],
  ['POST', '/api/v1/complete_task'],
  ['POST', '/api/v1/save_output_data'],
  ['POST', '/api/v1/save_trajectory'],
  ['POST', '/api/v1/save_downloads'],
  ['POST', '/api/v1/human_in_loop'],
  ['POST', '/api/v1/request_download_upload_urls'],
  ['POST', '/api/v1/confirm_downloads'],
  ['POST', '/api/v1/initiate_callback'],
  ['PUT', '/api/v1/callback'],
  ['GET', '/api/v1/tasks'],
  ['GET', '/api/v1/tasks/{task}'],
  ['GET', '/api/v1/tasks/{task}/downloads/{name}'],
  ['GET', '/api/v1/tasks/{task}/final_screenshot'],
  ['GET', '/api/v1/tasks/{task}/trajectory'],
  ['GET', '/api/v1/automations'],
  ['PUT', '/api/v1/automations/{name}'],
  ['POST', '/api/v1/automations/validate'],
  ['PUT', '/api/v1/uploads/{task}/{name}'],
  ['POST', '/register_child'],
  ['GET', '/examples/{name}'],
  ['GET', '/dashboard'],
  ['POST', '/dashboard/login'],
  ['GET', '/dashboard/tasks/{task}'],
  ['GET', '/dashboard/tasks/{task}/logs/{name}'],
].map(([method, path]) => ({ method: method as string, path: path as string }));

let cp: TestControlPlane;
let taskId: string;

beforeAll(async () => {
  // Master mode, so /register_child is served too; no worker registers, so tasks stay queued.
  cp = await startTestControlPlane({ settings: { CONTROL_PLANE_MODE: 'master', WORKER_HEALTH_INTERVAL_SECONDS: '3600' } });
  await cp.writeRecording('fuzz', simpleAutomation({ name: ['x'] }));
  const created = await bodyOf(await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'fuzz', input_parameters: { name: ['x'] } } }));
  taskId = (JSON.parse((created as { task: string }).task) as { task_id: string }).task_id;
});
afterAll(async () => cp?.close());

/** What a refused request must not change: every task and its status. */
const snapshot = async () =>
  ((await bodyOf(await cp.request('/api/v1/tasks?limit=500'))) as { tasks: { task_id: string; status: string }[] }).tasks.map((task) => `${task.task_id} ${task.status}`).sort();

describe('embedded control plane routes under malformed input', () => {
  it('never answer 5xx, change no task when they refuse, and keep serving', async () => {
    const validBodies = [
      { endpoint_name: 'fuzz', input_parameters: { name: ['x'] }, unique_parameter_names: ['name'] },
      { task_id: taskId, started_at: '2026-12-04T10:00:00Z', child_process_id: 0 },
      { task_id: taskId, child_process_id: 0, status: 'success', error: null, completed_at: '2026-12-04T10:00:00Z', retry_count: 0 },
      { task_id: taskId, output_data: [{ unique_identifier: 'a', json_data: { a: 1 } }], final_screenshot: null },
      { task_id: taskId, filenames: ['a.csv'], downloads_metadata: [{}] },
      { task_id: taskId, endpoint_name: 'fuzz', task_callback_url: 'http://127.0.0.1:9/x', callback_url: { url: 'http://127.0.0.1:9/x' } },
      { task_arn: 'arn:aws:ecs:eu-west-1:1:task/x', private_ip: '127.0.0.1', port: 1 },
      { automation: simpleAutomation() },
      { api_key: TEST_API_KEY },
    ];
    const segment = fc.oneof(
      fc.constant(() => taskId),
      fc.constantFrom('fuzz', '..', '.', '%2e%2e', '%2F', '%00', 'a%2Fb', 'x'.repeat(300), 'final_screenshot.png').map((value) => () => value),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map((value) => () => encodeURIComponent(value)),
    );
    const request = fc
      .tuple(hostileRequest(ROUTES, hostileHeaders(TEST_API_KEY), hostileBody(validBodies)), fc.array(segment, { minLength: 2, maxLength: 2 }))
      .map(([sent, [first, second]]) => ({ ...sent, target: sent.target.replace('{task}', (first ?? (() => ''))()).replace('{name}', (second ?? (() => ''))()) }));
    await fc.assert(
      fc.asyncProperty(request, async (sent) => {
        const before = await snapshot();
        const answer = await send(cp.url, sent);
        checkAnswer(sent, answer);
        if (answer.status >= 400) expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 1000, seed: FUZZ_SEED, endOnFailure: true },
    );
    expect((await fetch(new URL('/api/v1/health', cp.url))).status).toBe(200);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('answers targets that read as another host (`//x[`) instead of crashing on them', async () => {
    for (const [method, target] of [['PUT', '//v[8'], ['GET', '//[::1'], ['PUT', '//api/v1/uploads/x/y'], ['GET', '//localhost/api/v1/health']]) {
      const answer = await send(cp.url, { method: method as string, target: target as string, headers: { 'x-api-key': TEST_API_KEY }, body: undefined });
      expect([target, answer.status]).toEqual([target, 404]);
    }
    expect((await fetch(new URL('/api/v1/health', cp.url))).status).toBe(200);
  });
});
