import { describe, expect, it } from 'vitest';
import { inferNodeType } from './migrate-old-nodes.js';
import { parseAutomation } from './parse-automation.js';

describe('old-format nodes (no type)', () => {
  it('get the type of the first of the original\'s rules that matches', () => {
    expect(inferNodeType({ condition: 'x', locator: 'a', nodes: [] })).toBe('if_else_node');
    expect(inferNodeType({ variable_name: 'ids', locator: 'a', assertion: 'visible' })).toBe('for_loop_node');
    expect(inferNodeType({ locator: 'get_by_text("Done")', assertion: 'visible', nodes: [] })).toBe('assert_locator_node');
    expect(inferNodeType({ locator: 'locator("tr")', nodes: [] })).toBe('for_loop_node');
    expect(inferNodeType({ interaction_action: {} })).toBe('action_node');
  });

  it('are migrated inside loops and branches as recorded, and post_processing_nodes must carry a type', () => {
    const step = { interaction_action: { click_element: { command: 'locator("#go")' } } };
    const parsed = parseAutomation({
      url: 'https://example.test',
      parameters: { input_parameters: { ids: ['1'] }, generated_parameters: {} },
      nodes: [
        { variable_name: 'ids', nodes: [step], reset_nodes: [step] },
        { locator: 'locator("tr")', nodes: [{ condition: 'True', if_nodes: [step], else_nodes: [] }] },
        { locator: 'get_by_text("Done")', assertion: 'to_be_visible' },
      ],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const [variableLoop, locatorLoop, assertion] = parsed.automation.nodes as { type: string; nodes?: { type: string; if_nodes?: { type: string }[] }[]; reset_nodes?: { type: string }[] }[];
    expect(variableLoop).toMatchObject({ type: 'for_loop_node', nodes: [{ type: 'action_node' }], reset_nodes: [{ type: 'action_node' }] });
    expect(locatorLoop?.type).toBe('for_loop_node');
    expect(locatorLoop?.nodes?.[0]).toMatchObject({ type: 'if_else_node', if_nodes: [{ type: 'action_node' }] });
    expect(assertion?.type).toBe('assert_locator_node');

    const untyped = parseAutomation({ url: 'https://example.test', parameters: { input_parameters: {}, generated_parameters: {} }, nodes: [], post_processing_nodes: [step] });
    expect(untyped.ok ? [] : untyped.problems.map((problem) => problem.path)).toEqual([expect.stringMatching(/^post_processing_nodes\[0\]/)]);
  });
});
