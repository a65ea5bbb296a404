import { describe, expect, it } from 'vitest';
import { simpleAutomation } from '../../test/support/control-plane.js';
import { runValidate } from './run-validate.js';

const BROKEN_CLICK = {
  ...simpleAutomation(),
  nodes: [{ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button")', button: 'sideways' } } }],
};

const FILES: Record<string, string> = {
  'good.json': JSON.stringify(simpleAutomation()),
  'wrapped.json': JSON.stringify({ endpoint_name: 'wrapped', automation: simpleAutomation() }),
  'broken.json': JSON.stringify(BROKEN_CLICK),
  'list.json': '[]',
  'python.json': '{\n  "url": "about:blank",\n  "nodes": True\n}',
  'llm.json': JSON.stringify({ ...simpleAutomation(), nodes: [{ type: 'action_node', extraction_action: { llm: { extraction_format: { total: 'str' }, extraction_instructions: 'read it' } } }] }),
  'code.json': JSON.stringify({ ...simpleAutomation(), nodes: [{ type: 'action_node', javascript_action: { execution_code: 'async (page) => {}' } }] }),
};

/** Runs the CLI over the in-memory files above; a name not among them does not exist. */
function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const readText = (file: string) => {
    const text = FILES[file];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    return text;
  };
  const status = runValidate(argv, { write: (text) => (stdout += text), writeError: (text) => (stderr += text), readText });
  return { status, stdout, stderr };
}

describe('npm run validate', () => {
  it('prints ok for each accepted recording, bare or wrapped, and exits 0', () => {
    expect(run('good.json', 'wrapped.json')).toEqual({ status: 0, stdout: 'ok good.json\nok wrapped.json\n', stderr: '' });
  });

  it('prints refused with one indented path: message line per problem and exits 1', () => {
    const { status, stdout } = run('broken.json', 'good.json');
    expect(status).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('refused broken.json');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}nodes\[0\]\.interaction_action\.click_element\.button: /));
    expect(lines.at(-1)).toBe('ok good.json');
  });

  it('lists what an accepted recording needs when it runs', () => {
    expect(run('llm.json')).toEqual({ status: 0, stdout: 'ok llm.json\n  needs: nodes[0].extraction_action.llm: an LLM (set LLM_MODEL_API_KEY, or LLM_MODEL_BASE_URL for an openai/… model; see docs/llm.md)\n', stderr: '' });
  });

  it('refuses code steps unless told to check as a worker that allows them', () => {
    expect(run('code.json').status).toBe(1);
    expect(run('--allow-code-steps', 'code.json')).toEqual({
      status: 0,
      stdout: 'ok code.json\n  needs: nodes[0].javascript_action: code steps enabled on the worker (ALLOW_CODE_STEPS=true)\n',
      stderr: '',
    });
  });

  it('names the whole recording when it is not an object', () => {
    expect(run('list.json').stdout).toBe('refused list.json\n  (automation): an automation must be a JSON object\n');
  });

  it('prints the machine-readable verdicts with --json', () => {
    const { status, stdout } = run('--json', 'good.json', 'broken.json');
    expect(status).toBe(1);
    const verdicts = JSON.parse(stdout);
    expect(verdicts).toEqual([
      { file: 'good.json', ok: true, problems: [], needs: [] },
      { file: 'broken.json', ok: false, problems: expect.arrayContaining([{ path: 'nodes[0].interaction_action.click_element.button', message: expect.any(String) }]), needs: [] },
    ]);
  });

  it('exits 2 naming the file and the position of invalid JSON, and still checks the others', () => {
    const { status, stdout, stderr } = run('python.json', 'missing.json', 'good.json');
    expect(status).toBe(2);
    expect(stderr).toContain('python.json: not valid JSON at line 3, column 12 (position 37): unexpected "T"');
    expect(stderr).toContain('missing.json: cannot read: no such file');
    expect(stdout).toBe('ok good.json\n');
  });

  it.each([[[]], [['--yaml', 'good.json']]])('exits 2 with the usage on a bad command line %j', (argv) => {
    const { status, stdout, stderr } = run(...argv);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: npm run validate');
  });

  it('prints the usage for --help and exits 0', () => {
    const { status, stdout } = run('--help');
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: npm run validate');
  });
});
