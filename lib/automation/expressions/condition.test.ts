import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition, unwrapConditionBraces } from './condition.js';
import { ExpressionEvaluationError } from './evaluate-python-expression.js';
import type { PyValue } from './evaluate-python-expression.js';
import { ExpressionSyntaxError } from './python-expression.js';

type Scope = Record<string, PyValue>;

describe('evaluateCondition', () => {
  // The conditions of spec 2.5 (corpus and docs), then the other forms the spec says are needed.
  it.each<[string, Scope, boolean]>([
    ['x[0]', { x: ['yes'] }, true],
    ['x[0]', { x: ['false'] }, true],
    ['x[0]', { x: [''] }, false],
    ['x[0]', { x: [false] }, false],
    ['not x[0]', { x: [false] }, true],
    ['not x[0]', { x: ['no'] }, false],
    ["x[0] == 'true'", { x: ['true'] }, true],
    ["x[0] == 'true'", { x: [true] }, false],
    ['a[0] and not b[0]', { a: [true], b: [false] }, true],
    ['a[0] and not b[0]', { a: [true], b: ['x'] }, false],
    ["v[0] is not None and v[0] != 'skip'", { v: ['go'] }, true],
    ["v[0] is not None and v[0] != 'skip'", { v: ['skip'] }, false],
    ["v[0] is not None and v[0] != 'skip'", { v: [null] }, false],
    ['{flag[0]}', { flag: [true] }, true],
    ['{flag[0]}', { flag: [false] }, false],
    ['not {is_user_logged_in[0]}', { is_user_logged_in: [false] }, true],
    ['{flag}', { flag: [] }, false],
    ['len(items) > 2', { items: ['a', 'b', 'c'] }, true],
    ['len(items) > 2', { items: ['a'] }, false],
    ["'a' in names", { names: ['a', 'b'] }, true],
    ["'c' in names", { names: ['a', 'b'] }, false],
    ['count[0] >= 3', { count: [3] }, true],
    ["status[0].lower() == 'ok'", { status: ['OK'] }, true],
    ['x[0] or y[0]', { x: [0], y: [''] }, false],
    ['items', { items: [] }, false],
    ['a[0] or {later[0]}', { a: [true] }, true],
    ['a[0] and {later[0]}', { a: [false] }, false],
  ])('%s with %j is %s', (condition, scope, expected) => {
    expect(evaluateCondition(condition, scope)).toBe(expected);
  });

  it('raises NameError for an undefined name, braced or not (the task then fails)', () => {
    expect(() => evaluateCondition('missing[0]', {})).toThrow("NameError: name 'missing' is not defined");
    expect(() => evaluateCondition('a[0] or {later[0]}', { a: [false] })).toThrow(ExpressionEvaluationError);
  });

  it('raises IndexError when a generated list is shorter than the index', () => {
    expect(() => evaluateCondition('x[1]', { x: ['only'] })).toThrow('IndexError: list index out of range');
  });

  it('never finds prototype properties through the scope', () => {
    expect(() => evaluateCondition('{constructor}', {})).toThrow("NameError: name 'constructor' is not defined");
    expect(() => evaluateCondition('toString', {})).toThrow(ExpressionEvaluationError);
  });
});

describe('unwrapConditionBraces', () => {
  it('unwraps only the names it is told are known', () => {
    const known = (name: string) => name === 'a';
    expect(unwrapConditionBraces('{a[0]} and {b[0]} and {a}', known)).toBe('a[0] and {b[0]} and a');
  });

  it('leaves set literals, nested brackets and non-identifiers alone', () => {
    const all = () => true;
    expect(unwrapConditionBraces('{1} {a, b} {a[b[0]]} {a[]}', all)).toBe('{1} {a, b} {a[b[0]]} {a[]}');
  });
});

describe('parseCondition', () => {
  it('accepts braces around any name before variables exist', () => {
    expect(parseCondition('not {logged_in[0]} and {count[0]} > 1')).toMatchObject({ kind: 'bool', op: 'and' });
  });

  it('refuses what the grammar refuses, with the position in the recorded text', () => {
    expect(() => parseCondition("__import__('os').system('x')")).toThrow(ExpressionSyntaxError);
    expect(() => parseCondition('{None}')).toThrow('unexpected "{" at position 0: set and dict literals are not supported');
    try {
      parseCondition('{a[0]} and {b[0]} = 1');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionSyntaxError);
      expect((error as ExpressionSyntaxError).position).toBe(18);
      expect((error as ExpressionSyntaxError).source).toBe('{a[0]} and {b[0]} = 1');
      expect((error as ExpressionSyntaxError).message).toBe('unexpected "=" at position 18: assignment is not allowed (use == to compare)');
    }
  });
});
