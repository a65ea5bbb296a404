import { describe, expect, it } from 'vitest';
import { innermostNodePath } from './salvage-recording.js';
import { validateRecording } from './validate-recording.js';

const parameters = { input_parameters: {}, generated_parameters: {} };
const click = (command: string, extra: Record<string, unknown> = {}) => ({ type: 'action_node', ...extra, interaction_action: { click_element: { command } } });

function problemsOf(raw: unknown): { path: string; message: string }[] {
  const result = validateRecording(raw);
  if (result.ok) throw new Error('expected the recording to be refused');
  return result.problems;
}

describe('validateRecording', () => {
  it('lists schema, locator grammar and unsupported-feature problems of different nodes in one pass', () => {
    const problems = problemsOf({
      url: 'https://example.test',
      parameters,
      nodes: [click("locator('#a'"), { type: 'action_node', python_script_action: { execution_code: 'print(1)' } }, click("locator('#a')", { end_sleep_time: 99 })],
    });
    expect(problems.map((p) => p.path)).toEqual(['nodes[0].interaction_action.click_element.command', 'nodes[1].python_script_action', 'nodes[2].end_sleep_time']);
    expect(problems.find((p) => p.path === 'nodes[1].python_script_action')?.message).toMatch(/javascript_action/);
  });

  it('still checks every node when a top-level field is wrong', () => {
    const problems = problemsOf({ url: 5, parameters, nodes: [click('get_by_role("button"')] });
    expect(problems.map((p) => p.path)).toEqual(['url', 'nodes[0].interaction_action.click_element.command']);
  });

  it('checks the siblings inside a loop whose other child breaks the schema, keeping the recorded paths', () => {
    const loop = { type: 'for_loop_node', variable_name: 'ids', nodes: [click('locator("#a")', { end_sleep_time: -1 }), click('locator("#b"')] };
    const problems = problemsOf({ url: 'https://example.test', parameters: { input_parameters: { ids: ['1'] }, generated_parameters: {} }, nodes: [loop] });
    expect(problems.map((p) => p.path)).toEqual(['nodes[0].nodes[0].end_sleep_time', 'nodes[0].nodes[1].interaction_action.click_element.command']);
  });

  it('reports a node once, by its schema problem, when it also has a later one', () => {
    const problems = problemsOf({ url: 'https://example.test', parameters, nodes: [click('locator("#a"', { end_sleep_time: 99 })] });
    expect(problems.map((p) => p.path)).toEqual(['nodes[0].end_sleep_time']);
  });
});

describe('innermostNodePath', () => {
  it('finds the deepest node a problem path points into', () => {
    expect(innermostNodePath('nodes[1].if_nodes[0].interaction_action.click_element.command')).toBe('nodes[1].if_nodes[0]');
    expect(innermostNodePath('post_processing_nodes[2].extraction_action')).toBe('post_processing_nodes[2]');
    expect(innermostNodePath('parameters.input_parameters')).toBeNull();
  });
});
