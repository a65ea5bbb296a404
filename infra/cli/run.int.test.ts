import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { tempDir } from '../../test/support/task-fixture.js';
import { runCli } from './spawn-cli.js';

const GREET_PAGE = `<!doctype html><title>Greeter</title>
<label>Name <input id="name"></label>
<button onclick="fetch('/api/greet?name=' + encodeURIComponent(document.getElementById('name').value))">Greet</button>`;

let pages: PageServer;
let dir: string;

const fill = { type: 'action_node', end_sleep_time: 0, interaction_action: { input_text: { command: 'get_by_label("Name")', input_text: '{name[0]}' } } };
const click = { type: 'action_node', end_sleep_time: 0, interaction_action: { click_element: { command: 'get_by_role("button", name="Greet")' } } };
const extract = { type: 'action_node', before_sleep_time: 0, extraction_action: { network_call: { url_pattern: '/api/greet' } } };

beforeAll(async () => {
  pages = await startPageServer({ '/greet': GREET_PAGE }, { '/api/greet': (req, res) => sendJson(res, 200, { greeting: `Hello, ${req.query.get('name')}` }) });
  dir = tempDir('cli-run-test-');
  const write = (name: string, automation: unknown) => writeFile(join(dir, name), JSON.stringify({ endpoint_name: name.replace('.json', ''), automation }));
  await write('greet.json', recording(pages.url('/greet'), [fill, click, extract], { name: ['x'] }, { take_final_screenshot: false }));
  await write(
    'refuse.json',
    recording(pages.url('/greet'), [fill, { type: 'action_node', fail_state_action: { failure_message: 'The greeter is closed today' } }], { name: ['x'] }, { take_final_screenshot: false }),
  );
});

afterAll(async () => {
  await pages?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The CLI in `dir`, so the default ./runs lands in the test's folder. */
const run = (...argv: string[]) => runCli(['run', ...argv], { cwd: dir });

describe('optexity-worker run', () => {
  it('fills the input from --input, prints the extracted output as JSON, one progress line per step, and keeps the task folder', async () => {
    const { code, stdout, stderr } = await run('greet.json', '--input', 'name=Ada Lovelace');
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toEqual({ status: 'success', error: null, output_data: [{ json_data: { body: { greeting: 'Hello, Ada Lovelace' } } }], downloads: [], token_usage: expect.any(Object) });
    expect(pages.requests.some((req) => req.path === '/api/greet' && req.query.get('name') === 'Ada Lovelace')).toBe(true);

    expect(stderr).toMatch(/^step 0 {2}interaction_action\.input_text {2}nodes\[0\] {2}\d+\.\d\ds {2}success$/m);
    expect(stderr).toMatch(/^step 1 {2}interaction_action\.click_element {2}nodes\[1\] {2}\d+\.\d\ds {2}success$/m);
    expect(stderr).toMatch(/^step 2 {2}extraction_action\.network_call {2}nodes\[2\] {2}\d+\.\d\ds {2}success$/m);
    const folder = /^task folder: (.+)$/m.exec(stderr)?.[1] as string;
    expect(folder.startsWith(join(dir, 'runs'))).toBe(true);
    expect(stderr).toContain(`steps: ${join(folder, 'logs', 'steps.json')}`);
    expect(stderr).toContain(`trace: ${join(folder, 'logs', 'trace.zip')}`);
    const logs = await readdir(join(folder, 'logs'));
    expect(logs).toEqual(expect.arrayContaining(['step_0', 'steps.json', 'trace.zip']));
    const steps = JSON.parse(await readFile(join(folder, 'logs', 'steps.json'), 'utf8'));
    expect(steps.steps.map((step: { action: string }) => step.action)).toEqual(expect.arrayContaining(['interaction_action.input_text', 'extraction_action.network_call']));
  });

  it('with --json and --out: one JSON line with the task folder under DIR, and steps as JSON lines on stderr', async () => {
    const out = join(dir, 'elsewhere');
    const { code, stdout, stderr } = await run('greet.json', '--input', 'name=Bo', '--out', out, '--json');
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ status: 'success', output_data: [{ json_data: { body: { greeting: 'Hello, Bo' } } }] });
    expect(result.task_directory).toBe(join(out, result.task_id));
    expect(result.steps_file).toBe(join(out, result.task_id, 'logs', 'steps.json'));
    const stepLines = stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(stepLines.map((step) => step.node_path)).toEqual(expect.arrayContaining(['nodes[0]', 'nodes[1]', 'nodes[2]']));
  });

  it('exits 1 with the recording\'s error when the run fails, the failed step marked', async () => {
    const { code, stdout, stderr } = await run('refuse.json', '--input', 'name=x');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'failed', error: expect.stringContaining('The greeter is closed today') });
    expect(stderr).toMatch(/^step 1 {2}fail_state_action {2}nodes\[1\] .*failed: .*The greeter is closed today/m);
    expect(stderr).toMatch(/^failed: .*The greeter is closed today/m);
  });

  it('refuses to start without every input the recording declares (exit 2), naming them', async () => {
    const { code, stdout, stderr } = await run('greet.json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Missing required inputs of the recording: name\. Give each, e\.g\.:\n {2}--input name=x\n/);
    const unknown = await run('greet.json', '--input', 'name=a', '--input', 'age=3');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--input age: not a parameter of the recording (it takes name)');
  });

  it('exits 1 listing the problems of a recording the worker would refuse, and 2 for a file it cannot read', async () => {
    await writeFile(join(dir, 'bad.json'), JSON.stringify(recording('about:blank', [{ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button").__class__' } } }])));
    const refused = await run('bad.json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^refused bad\.json\n {2}nodes\[0\]\.interaction_action\.click_element\.command: /);
    const missing = await run('nope.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: cannot read: no such file');
  });
});
