import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { startTestWorker, type TestWorker } from '../../test/support/worker.js';

const ACCOUNT_PAGE = `<!doctype html><title>Account</title>
<label>User <input id="user"></label><button onclick="fetch('/api/account?user=' + user.value)">Load</button>
<a href="/files/statement.csv">Statement</a>`;

let pages: PageServer;
let worker: TestWorker;

beforeAll(async () => {
  pages = await startPageServer(
    { '/account': ACCOUNT_PAGE },
    {
      '/api/account': (req, res) => sendJson(res, 200, { user: req.query.get('user'), balance: 12.5 }),
      '/files/statement.csv': (_req, res) => void res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename=statement.csv' }).end('month,total\njan,3\n'),
    },
  );
  worker = await startTestWorker();
  const quick = { type: 'action_node', end_sleep_time: 0, interaction_action: { click_element: { command: 'get_by_role("button", name="Load")' } } };
  await worker.writeRecording(
    'account',
    recording(pages.url('/account'), [
      { type: 'action_node', end_sleep_time: 0, interaction_action: { input_text: { command: 'get_by_label("User")', input_text: '{user[0]}' } } },
      quick,
      { type: 'action_node', before_sleep_time: 0, extraction_action: { network_call: { url_pattern: '/api/account' } } },
      { type: 'action_node', end_sleep_time: 0, interaction_action: { click_element: { command: 'get_by_role("link", name="Statement")', expect_download: true, download_filename: 'statement-{user[0]}' } } },
    ], { user: ['x'] }),
  );
  await worker.writeRecording('slow', recording('about:blank', [{ type: 'action_node', sleep_action: { sleep_time: 1.5 } }], { tag: ['x'] }, { take_final_screenshot: false }));
  await worker.writeRecording('quick', recording('about:blank', [], { tag: ['x'] }, { take_final_screenshot: false }));
  await worker.writeRecording('bad_locator', recording('about:blank', [{ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button", name="OK").__class__' } } }], {}));
});

afterAll(async () => {
  await worker?.close();
  await pages?.close();
});

const infer = (body: Record<string, unknown>) => worker.worker('/inference', { method: 'POST', json: body });

describe('the local worker with its embedded control plane', () => {
  it('answers 202, runs the recording in Chromium, and the control plane shows its output and download', async () => {
    const response = await infer({ endpoint_name: 'account', input_parameters: { user: ['bob'] } });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { success: boolean; message: string; task_id: string };
    expect(accepted).toMatchObject({ success: true, message: 'Task has been allocated' });

    const task = await worker.waitForTask(accepted.task_id);
    expect(task).toMatchObject({ status: 'success', error: null, downloads: ['statement-bob.csv'], has_trajectory: true, has_final_screenshot: true });
    expect(task.output_data).toEqual([{ json_data: { body: { user: 'bob', balance: 12.5 } } }]);
    const file = await worker.controlPlane(`/api/v1/tasks/${accepted.task_id}/downloads/statement-bob.csv`);
    expect(await file.text()).toBe('month,total\njan,3\n');
  });

  it('runs one task at a time, waiting tasks by priority: lower first, none last, ties by arrival', async () => {
    const first = await infer({ endpoint_name: 'slow', input_parameters: { tag: ['first'] } });
    expect(first.status).toBe(202);
    await expect(worker.worker('/is_task_running').then((r) => r.json())).resolves.toBe(true);
    const ids: Record<string, string> = {};
    for (const [tag, priority] of [['p5', 5], ['none-a', null], ['p1-a', 1], ['p1-b', 1], ['none-b', null], ['p0', 0]] as const) {
      const response = await infer({ endpoint_name: 'quick', input_parameters: { tag: [tag] }, priority });
      ids[tag] = ((await response.json()) as { task_id: string }).task_id;
    }
    const health = (await (await worker.worker('/health')).json()) as Record<string, unknown>;
    expect(health).toEqual({ status: 'healthy', task_running: true, queued_tasks: 6 });

    const tasks = await Promise.all(Object.entries(ids).map(async ([tag, id]) => ({ tag, task: await worker.waitForTask(id) })));
    const order = tasks.sort((a, b) => String(a.task.started_at).localeCompare(String(b.task.started_at))).map((t) => t.tag);
    expect(order).toEqual(['p0', 'p1-a', 'p1-b', 'p5', 'none-a', 'none-b']);
    expect(tasks.every((t) => t.task.status === 'success')).toBe(true);
  });

  it('refuses a second task with the same unique parameters while the first is queued or running', async () => {
    const body = { endpoint_name: 'slow', input_parameters: { tag: ['same'] }, unique_parameter_names: ['tag'] };
    const first = (await (await infer(body)).json()) as { task_id: string };
    const second = await infer(body);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ success: false, code: 'CONTROL_PLANE_REJECTED', task_id: first.task_id });
    await worker.waitForTask(first.task_id);
    expect((await infer(body)).status).toBe(202);
  });

  it('refuses a recording whose locator command does not parse, naming the node and the position', async () => {
    const response = await infer({ endpoint_name: 'bad_locator', input_parameters: {} });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { problems: { path: string; message: string }[] };
    expect(body.problems[0]?.path).toBe('nodes[0].interaction_action.click_element.command');
    expect(body.problems[0]?.message).toMatch(/position \d+/);
  });

  it('answers bad input on every route with a 4xx naming the field, and keeps serving', async () => {
    const cases: [string, RequestInit & { json?: unknown }, number, string | null][] = [
      ['/inference', { method: 'POST', json: {} }, 422, 'endpoint_name'],
      ['/inference', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }, 400, null],
      ['/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: { tag: 'x' } } }, 422, 'input_parameters.tag'],
      ['/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: { tag: ['x'] }, unique_parameter_names: ['nope'] } }, 422, 'unique_parameter_names[0]'],
      ['/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: {} } }, 422, 'input_parameters.tag'],
      ['/inference', { method: 'POST', json: { endpoint_name: 'no_such_recording', input_parameters: {} } }, 404, null],
      ['/allocate_task', { method: 'POST', json: [] }, 422, '(body)'],
      ['/allocate_task', { method: 'POST', json: [{ task_id: 'x' }] }, 422, '[0].user_id'],
      ['/set_child_process_id', { method: 'POST', json: { new_child_process_id: 'abc' } }, 422, 'new_child_process_id'],
      ['/no_such_route', { method: 'GET' }, 404, null],
      ['/health', { method: 'DELETE' }, 405, null],
      ['/inference', { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'application/json' } }, 413, null],
    ];
    for (const [path, init, status, field] of cases) {
      const response = await worker.worker(path, init);
      const body = (await response.json()) as { success: boolean; problems?: { path: string }[] };
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(body.success).toBe(false);
      if (field !== null) expect(body.problems?.map((p) => p.path)).toContain(field);
    }
    expect((await worker.worker('/health')).status).toBe(200);
  });

  it('takes a Task array on /allocate_task and runs it', async () => {
    const created = await worker.controlPlane('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: { tag: ['allocated'] } } });
    const task = JSON.parse(((await created.json()) as { task: string }).task) as { task_id: string };
    const response = await worker.worker('/allocate_task', { method: 'POST', json: [task] });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ success: true, message: '1 task(s) allocated' });
    expect(await worker.waitForTask(task.task_id)).toMatchObject({ status: 'success' });
  });


  it('refuses on /allocate_task a task whose recording cannot run, naming the JSON path in the task once', async () => {
    const created = await worker.controlPlane('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: { tag: ['refused'] } } });
    const task = JSON.parse(((await created.json()) as { task: string }).task) as Record<string, unknown>;
    const broken = { ...task, automation: recording('about:blank', [{ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button"' } } }], {}) };
    const one = await worker.worker('/allocate_task', { method: 'POST', json: broken });
    expect(one.status).toBe(422);
    const body = (await one.json()) as { error: string; problems: { path: string; message: string }[] };
    expect(body.problems.map((p) => p.path)).toEqual(['automation.nodes[0].interaction_action.click_element.command']);
    expect(body.error.match(/cannot run/g)).toHaveLength(1);
    const list = await worker.worker('/allocate_task', { method: 'POST', json: [broken, { ...broken, task_id: `${String(task.task_id)}-2` }] });
    expect(list.status).toBe(422);
    const listed = (await list.json()) as { problems: { path: string }[] };
    expect(listed.problems.map((p) => p.path)).toEqual(['[0].automation.nodes[0].interaction_action.click_element.command', '[1].automation.nodes[0].interaction_action.click_element.command']);
  });
  it('sets the child process id that complete_task reports', async () => {
    const response = await worker.worker('/set_child_process_id', { method: 'POST', json: { new_child_process_id: '3', new_unique_child_arn: 'arn:test' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, message: 'Child process id has been set' });
  });
});

describe('the example recordings, run end to end', () => {
  /** The shipped recordings, pointed at this test's control plane (they name localhost:8000). */
  async function installExample(name: string): Promise<void> {
    const file = JSON.parse(await readFile(new URL(`../../automations/${name}.json`, import.meta.url), 'utf8')) as { automation: unknown };
    const automation = JSON.parse(JSON.stringify(file.automation).replaceAll('http://localhost:8000', worker.controlPlaneUrl)) as unknown;
    await worker.writeRecording(name, automation);
  }

  it('example_login signs in and captures the account; a wrong password fails with the recorded message', async () => {
    await installExample('example_login');
    const good = (await (await infer({ endpoint_name: 'example_login', input_parameters: { username: ['alice'], password: ['open-sesame'] } })).json()) as { task_id: string };
    const task = await worker.waitForTask(good.task_id);
    expect(task).toMatchObject({ status: 'success', output_data: [{ unique_identifier: 'account', json_data: { body: { user: 'alice' } } }] });

    const bad = (await (await infer({ endpoint_name: 'example_login', input_parameters: { username: ['alice'], password: ['wrong'] } })).json()) as { task_id: string };
    expect(await worker.waitForTask(bad.task_id)).toMatchObject({ status: 'failed', error: expect.stringContaining('Sign-in failed') });
  });

  it('example_reports downloads one CSV per report id', async () => {
    await installExample('example_reports');
    const response = (await (await infer({ endpoint_name: 'example_reports', input_parameters: { report_ids: ['r1', 'r2'], region: ['eu'] } })).json()) as { task_id: string };
    expect(await worker.waitForTask(response.task_id)).toMatchObject({ status: 'success', downloads: ['report-r1.csv', 'report-r2.csv'] });
  });
});

describe('a control plane that is down', () => {
  it('gives 502 naming the control plane on /inference and the worker keeps serving', async () => {
    const lonely = await startTestWorker({ EMBEDDED_CONTROL_PLANE: 'off', SERVER_URL: 'http://127.0.0.1:9' });
    try {
      const response = await lonely.worker('/inference', { method: 'POST', json: { endpoint_name: 'quick', input_parameters: {} } });
      expect(response.status).toBe(502);
      expect(((await response.json()) as { error: string }).error).toContain('http://127.0.0.1:9/api/v1/inference');
      expect((await lonely.worker('/health')).status).toBe(200);
    } finally {
      await lonely.close();
    }
  });

  it('ends a task whose control plane goes away mid-run, keeps its reports for later, and goes on', async () => {
    const cp = await startTestWorker();
    const worker2 = await startTestWorker({ EMBEDDED_CONTROL_PLANE: 'off', SERVER_URL: cp.controlPlaneUrl, OUTBOX_RETRY_BASE_SECONDS: '0.05', OUTBOX_FLUSH_SECONDS: '0.2' });
    try {
      await cp.writeRecording('slow', recording('about:blank', [{ type: 'action_node', sleep_action: { sleep_time: 1 } }], {}, { take_final_screenshot: false }));
      const response = await worker2.worker('/inference', { method: 'POST', json: { endpoint_name: 'slow', input_parameters: {} } });
      expect(response.status).toBe(202);
      await cp.close();
      const deadline = Date.now() + 20_000;
      while ((await (await worker2.worker('/is_task_running')).json()) === true && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await (await worker2.worker('/is_task_running')).json()).toBe(false);
      expect(await (await worker2.worker('/health')).json()).toEqual({ status: 'healthy', task_running: false, queued_tasks: 0 });
      const finished = worker2.logs.find((line) => line.msg === 'task finished');
      expect(finished).toBeDefined();
      const waiting = () => worker2.logs.filter((line) => line.msg === 'report not delivered, will retry').map((line) => line.report);
      // The first report still undelivered (start_task, if it had not gone out yet) holds back the
      // rest: complete_task never overtakes the reports before it.
      const head = () => waiting().find((kind) => kind === 'start_task' || kind === 'save_trajectory');
      while (!head() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(head()).toBeDefined();
      expect(waiting()).not.toContain('complete_task');
    } finally {
      await worker2.close();
    }
  });
});
