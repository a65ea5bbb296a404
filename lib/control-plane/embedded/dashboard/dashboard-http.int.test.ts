import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, simpleAutomation, startTestControlPlane, TEST_API_KEY, TINY_PNG_BASE64, type TestControlPlane } from '../../../../test/support/control-plane.js';
import { completeTask, createTask, startTask, stepsFixture, trajectoryArchive, uploadTrajectory } from '../../../../test/support/dashboard-fixtures.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('dashboard over HTTP: sign-in, refusals, escaping', () => {
  let cp: TestControlPlane;
  let taskId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    const automation = simpleAutomation();
    await cp.writeRecording('flow', automation);
    // The file's own endpoint_name and a prompt carry markup; the list shows the file name.
    await cp.writeRecording('hostile', {
      ...automation,
      nodes: [{ type: 'action_node', interaction_action: { click_element: { command: `get_by_text("${HOSTILE.replaceAll('"', "'")}")`, prompt_instructions: HOSTILE } } }],
    });
    const task = await createTask(cp, 'flow', 'x');
    taskId = task.task_id;
    await startTask(cp, taskId, task.api_key);
    const steps = stepsFixture();
    steps.steps[0] = { ...steps.steps[0]!, error: HOSTILE, url: `javascript:alert(3)//${HOSTILE}`, title: HOSTILE, node_path: HOSTILE };
    await uploadTrajectory(cp, taskId, task.api_key, await trajectoryArchive(taskId, Buffer.from(TINY_PNG_BASE64, 'base64'), { steps }));
    await completeTask(cp, taskId, task.api_key, 'failed', HOSTILE);
  });
  afterAll(async () => {
    await cp.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, cp.url), { headers, redirect: 'manual' });
  const signIn = (key: string, next = '/dashboard') =>
    fetch(new URL('/dashboard/login', cp.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: key, next }).toString(),
    });
  const sessionCookie = async () => {
    const answer = await signIn(TEST_API_KEY);
    return (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  };

  it('sends pages to the login form and refuses data and files without detail', async () => {
    const pageAnswer = await get(`/dashboard/tasks/${taskId}?tab=1`);
    expect(pageAnswer.status).toBe(303);
    expect(pageAnswer.headers.get('location')).toBe(`/dashboard/login?next=${encodeURIComponent(`/dashboard/tasks/${taskId}?tab=1`)}`);
    for (const path of ['/dashboard/tasks.json', `/dashboard/tasks/${taskId}/logs/step_0/screenshot.png`, `/dashboard/tasks/${taskId}/trajectory`, '/dashboard/dashboard.js']) {
      const answer = await get(path);
      expect(answer.status, path).toBe(401);
      expect(await answer.text()).toBe('Unauthorized');
    }
    const wrongCookie = await get('/dashboard/tasks.json', { cookie: 'cp_dashboard=forged' });
    expect(wrongCookie.status).toBe(401);
    expect((await get('/dashboard/tasks.json', { 'x-api-key': 'wrong' })).status).toBe(401);
  });

  it('answers a wrong key with 401 and the form again, and sets no cookie', async () => {
    const answer = await signIn('wrong-key');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(await answer.text()).toContain('That API key is not correct.');
  });

  it('sets an HttpOnly, SameSite=Strict cookie that does not hold the key, and accepts it', async () => {
    const answer = await signIn(TEST_API_KEY, '/dashboard/recordings');
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/dashboard/recordings');
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(TEST_API_KEY);
    expect(setCookie).not.toContain(Buffer.from(TEST_API_KEY).toString('base64'));
    const cookie = setCookie.split(';')[0] ?? '';
    const listing = await get('/dashboard/tasks.json', { cookie });
    expect(listing.status).toBe(200);
    expect((await bodyOf(listing)).tasks[0].task_id).toBe(taskId);
  });

  it('never redirects a sign-in elsewhere', async () => {
    for (const next of ['https://evil.example/', '//evil.example/dashboard', '/dashboardx', '/api/v1/tasks', '/dashboard/../api/v1/tasks', '/dashboard/%2e%2e/api/v1/tasks', '/dashboard/./../x']) {
      const answer = await signIn(TEST_API_KEY, next);
      expect(answer.headers.get('location'), next).toBe('/dashboard');
    }
  });

  it('accepts the x-api-key header on every route', async () => {
    const headers = { 'x-api-key': TEST_API_KEY };
    expect((await get('/dashboard', headers)).status).toBe(200);
    expect((await get(`/dashboard/tasks/${taskId}`, headers)).status).toBe(200);
    const image = await get(`/dashboard/tasks/${taskId}/logs/step_0/screenshot.png`, headers);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await get(`/dashboard/tasks/${taskId}/logs/step_0/final_prompt.txt`, headers)).status).toBe(200);
    expect((await get(`/dashboard/tasks/${taskId}/logs/../../etc/passwd`, headers)).status).toBe(404);
    expect((await get(`/dashboard/tasks/${taskId}/logs/optexity.log`, headers)).status).toBe(404);
    expect((await get('/dashboard/recordings/hostile', headers)).status).toBe(200);
  });

  it('sends its security headers and signs out', async () => {
    const answer = await get('/dashboard', { cookie: await sessionCookie() });
    expect(answer.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(answer.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    const out = await fetch(new URL('/dashboard/logout', cp.url), { method: 'POST', redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^cp_dashboard=;.*Max-Age=0/);
  });

  it('renders markup from tasks, steps and recordings as inert text', async () => {
    const cookie = await sessionCookie();
    const pages = [`/dashboard?status=failed`, `/dashboard/tasks/${taskId}`, '/dashboard/recordings/hostile', `/dashboard/recordings/${encodeURIComponent(HOSTILE)}`];
    for (const path of pages) {
      const answer = await get(path, { cookie });
      const body = await answer.text();
      expect(body, path).not.toContain('<script>alert');
      expect(body, path).not.toContain('<img src=x');
      expect(body, path).not.toMatch(/<[^>]*\son[a-z]+=/i);
      expect(body, path).not.toContain('href="javascript:');
      expect(body, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const json = await bodyOf(await get('/dashboard/tasks.json', { cookie }));
    // The JSON carries the text as it is; the page script writes it with textContent.
    expect(json.tasks[0].error).toContain('<script>');
  });

  it('answers 404 pages for an unknown task and an unknown recording', async () => {
    const cookie = await sessionCookie();
    const task = await get('/dashboard/tasks/no-such-task', { cookie });
    expect(task.status).toBe(404);
    expect(task.headers.get('content-type')).toContain('text/html');
    expect(await task.text()).toContain('Unknown task id');
    expect((await get('/dashboard/recordings/nope', { cookie })).status).toBe(404);
  });
});
