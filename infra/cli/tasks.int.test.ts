import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleAutomation, startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../../test/support/control-plane.js';
import { runCli } from './spawn-cli.js';

let cp: TestControlPlane;
let taskId: string;

beforeAll(async () => {
  cp = await startTestControlPlane();
  await cp.writeRecording('greet', simpleAutomation({ name: ['x'] }));
  const response = await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: 'greet', input_parameters: { name: ['Ada'] } } });
  expect(response.status).toBe(200);
  taskId = (JSON.parse(((await response.json()) as { task: string }).task) as { task_id: string }).task_id;
});

afterAll(async () => {
  await cp?.close();
});

/** The CLI pointed at the test's control plane through the settings, as a user would. */
const tasks = (...argv: string[]) => runCli(['tasks', ...argv], { env: { SERVER_URL: cp.url, API_KEY: TEST_API_KEY, DEPLOYMENT: 'dev' } });

describe('optexity-worker tasks', () => {
  it('list: a table with the task, and the control plane JSON with --json', async () => {
    const table = await tasks('list');
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TASK_ID +ENDPOINT_NAME +STATUS +CREATED_AT +COMPLETED_AT +ERROR$/);
    expect(row).toMatch(new RegExp(`^${taskId} +greet +queued +\\S+ +- +-$`));

    const json = await tasks('list', '--status', 'queued', '--limit', '5', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ tasks: [expect.objectContaining({ task_id: taskId, endpoint_name: 'greet', status: 'queued' })] });
    const none = await tasks('list', '--status', 'failed');
    expect(none).toMatchObject({ code: 0, stdout: 'No tasks.\n' });
  });

  it('show: one field per line, or the JSON; an unknown id exits 1 with the control plane message', async () => {
    const shown = await tasks('show', taskId);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^task_id: +${taskId}$`, 'm'));
    expect(shown.stdout).toMatch(/^status: +queued$/m);
    expect(shown.stdout).toMatch(/^input_parameters: +\{\n +"name": \[/m);

    const json = await tasks('show', taskId, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ task_id: taskId, status: 'queued', input_parameters: { name: ['Ada'] }, downloads: [] });

    const unknown = await tasks('show', 'no-such-task');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('The control plane answered 404 to GET /api/v1/tasks/no-such-task: Unknown task id');
  });

  it('says so when the API key is refused or the control plane cannot be reached (exit 1)', async () => {
    const refused = await runCli(['tasks', 'list'], { env: { SERVER_URL: cp.url, API_KEY: 'not-the-right-key', DEPLOYMENT: 'dev' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^The control plane answered 401 to GET \/api\/v1\/tasks: /);

    const port = await closedPort();
    const down = await runCli(['tasks', 'list'], { env: { SERVER_URL: `http://127.0.0.1:${port}`, API_KEY: TEST_API_KEY, DEPLOYMENT: 'dev' } });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`^Cannot reach the control plane at http://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\)\\. Is it running\\?`));
  });

  it('needs list or show TASK_ID (exit 2)', async () => {
    expect((await tasks()).code).toBe(2);
    const other = await tasks('delete', taskId);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('Unknown tasks command "delete" (use "list" or "show")');
    expect((await tasks('show')).stderr).toContain('Name the task id.');
  });
});

/** A port nothing listens on: one the system just handed out, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
