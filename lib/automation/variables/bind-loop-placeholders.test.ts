import { describe, expect, it } from 'vitest';
import { bindLocatorLoop, bindVariableLoop, loopVariableNames } from './bind-loop-placeholders.js';
import { substituteVariables } from './substitute-variables.js';

describe('loopVariableNames', () => {
  it.each([['a, b', ['a', 'b']], [' a ,b ', ['a', 'b']], ['a', ['a']]])('splits %j', (text, expected) => {
    expect(loopVariableNames(text)).toEqual(expected);
  });
});

describe('bindVariableLoop', () => {
  it('binds {name[index]} for every comma name, then index_of(primary), then the bare index', () => {
    const child = {
      type: 'action_node',
      interaction_action: { input_text: { command: "get_by_label('{first[index]}')", input_text: '{last[index]}' } },
      notes: ['row {index_of(first)} is #{index}', '{index_of(last)} stays'],
      '{index}': 'keys are not touched',
      end_sleep_time: 1,
      expect_new_tab: false,
      nothing: null,
    };
    const bound = bindVariableLoop(child, { names: loopVariableNames('first, last'), indexName: 'index', index: 2 });
    expect(bound).toEqual({
      type: 'action_node',
      interaction_action: { input_text: { command: "get_by_label('{first[2]}')", input_text: '{last[2]}' } },
      notes: ['row 2 is #2', '{index_of(last)} stays'],
      '{index}': 'keys are not touched',
      end_sleep_time: 1,
      expect_new_tab: false,
      nothing: null,
    });
  });

  it('returns a deep copy and leaves the recording untouched', () => {
    const child = { nested: { text: '{a[i]}' } };
    const bound = bindVariableLoop(child, { names: ['a'], indexName: 'i', index: 0 });
    expect(child.nested.text).toBe('{a[i]}');
    expect(bound.nested).not.toBe(child.nested);
  });

  it('binds nested loops level by level when their index names differ', () => {
    const inner = { text: '{outer[i]} / {inner[j]} / {i}.{j}' };
    const afterOuter = bindVariableLoop(inner, { names: ['outer'], indexName: 'i', index: 1 });
    expect(afterOuter.text).toBe('{outer[1]} / {inner[j]} / 1.{j}');
    const afterInner = bindVariableLoop(afterOuter, { names: ['inner'], indexName: 'j', index: 0 });
    expect(afterInner.text).toBe('{outer[1]} / {inner[0]} / 1.0');
    const input = { outer: ['o0', 'o1'], inner: ['i0'] };
    expect(substituteVariables(afterInner.text, { input, secure: {}, generated: {} })).toBe('o1 / i0 / 1.0');
  });

  it('keeps a __proto__ key an own key of the copy', () => {
    const child = JSON.parse('{"__proto__": {"text": "{i}"}}') as Record<string, unknown>;
    const bound = bindVariableLoop(child, { names: ['a'], indexName: 'i', index: 4 });
    expect(Object.getPrototypeOf(bound)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(bound, '__proto__')?.value).toEqual({ text: '4' });
  });
});

describe('bindLocatorLoop', () => {
  it('turns {locator[index]} into <locator>.nth(i), then binds the bare index', () => {
    const child = { command: '{locator[row]}.get_by_role("button").click()', prompt_instructions: 'row {row}', other: '{index_of(x)}' };
    const bound = bindLocatorLoop(child, { locator: "locator('tr')", indexName: 'row', index: 3 });
    expect(bound).toEqual({
      command: 'locator(\'tr\').nth(3).get_by_role("button").click()',
      prompt_instructions: 'row 3',
      other: '{index_of(x)}',
    });
  });

  it('inserts the locator literally, $ patterns included', () => {
    const bound = bindLocatorLoop({ command: '{locator[i]}' }, { locator: "get_by_text('$&$1')", indexName: 'i', index: 0 });
    expect(bound.command).toBe("get_by_text('$&$1').nth(0)");
  });
});
