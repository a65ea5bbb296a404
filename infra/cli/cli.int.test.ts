import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleAutomation } from '../../test/support/control-plane.js';
import { tempDir } from '../../test/support/task-fixture.js';
import { runCli } from './spawn-cli.js';

let dir: string;

beforeAll(async () => {
  dir = tempDir('cli-test-');
  await writeFile(join(dir, 'good.json'), JSON.stringify({ endpoint_name: 'good', automation: simpleAutomation() }));
  await writeFile(
    join(dir, 'broken.json'),
    JSON.stringify({ ...simpleAutomation(), nodes: [{ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button")', button: 'sideways' } } }] }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('optexity-worker --help', () => {
  it('lists the commands with examples, on -h too, and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: optexity-worker COMMAND/);
      for (const name of ['serve', 'run', 'validate', 'tasks']) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      expect(stdout).toContain('Examples:');
    }
  });

  it.each([
    ['serve', 'Usage: optexity-worker serve [--host HOST]'],
    ['run', 'Usage: optexity-worker run RECORDING.json'],
    ['validate', 'Usage: optexity-worker validate'],
    ['tasks', 'Usage: optexity-worker tasks list'],
  ])('%s --help shows its usage and examples and starts nothing', async (name, usage) => {
    const { code, stdout, stderr } = await runCli([name, '--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(usage);
    expect(stdout).toContain('Examples:');
  });

  it('names an unknown command or flag and exits 2', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "frobnicate"\n\nUsage: optexity-worker COMMAND/);
    const flag = await runCli(['run', '--colour', 'x.json']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^Unknown option '--colour'\n\nUsage: optexity-worker run/);
    const tasksFlag = await runCli(['tasks', 'list', '--limit', 'many']);
    expect(tasksFlag.code).toBe(2);
    expect(tasksFlag.stderr).toContain('--limit must be a whole number from 1 to 500, got "many"');
    const nothing = await runCli([]);
    expect(nothing.code).toBe(2);
  });
});

describe('optexity-worker validate', () => {
  it('accepts a good recording (exit 0) and refuses a broken one with its problem (exit 1)', async () => {
    expect(await runCli(['validate', join(dir, 'good.json')])).toEqual({ code: 0, stdout: `ok ${join(dir, 'good.json')}\n`, stderr: '' });
    const refused = await runCli(['validate', '--json', join(dir, 'broken.json')]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual([
      { file: join(dir, 'broken.json'), ok: false, problems: expect.arrayContaining([expect.objectContaining({ path: 'nodes[0].interaction_action.click_element.button' })]), needs: [] },
    ]);
  });

  it('shows its own usage on a bad command line (exit 2)', async () => {
    const { code, stderr } = await runCli(['validate']);
    expect(code).toBe(2);
    expect(stderr).toContain('Name at least one recording file.\n\nUsage: optexity-worker validate');
  });
});
