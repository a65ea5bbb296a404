import { describe, expect, it } from 'vitest';
import {
  ExpressionEvaluationError, evaluatePythonExpression, isPythonTruthy, toPyValue, type PyValue,
} from './evaluate-python-expression.js';
import type { PyExpr } from './python-expression.js';
import { parsePythonExpression } from './python-expression.js';

const SCOPE: Record<string, PyValue> = {
  items: [1, 2, 3],
  names: ['a', 'b'],
  text: ' Hello World ',
  user: { name: 'Ada', tags: ['x'] },
  empty: [],
  none: [null],
  userCopy: { name: 'Ada', tags: ['x'] },
  nested: [1, [2, { k: 'v' }]],
  nestedCopy: [1, [2, { k: 'v' }]],
};

const run = (source: string, scope: Record<string, PyValue> = SCOPE): PyValue => evaluatePythonExpression(parsePythonExpression(source), scope);

function errorOf(source: string, scope: Record<string, PyValue> = SCOPE): ExpressionEvaluationError {
  try {
    run(source, scope);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    return error as ExpressionEvaluationError;
  }
  throw new Error(`expected ${source} to raise`);
}

describe('isPythonTruthy', () => {
  it.each<[PyValue, boolean]>([
    ['', false], [[], false], [{}, false], [0, false], [null, false], [false, false],
    ['false', true], ['0', true], [[0], true], [{ a: null }, true], [-1, true], [0.1, true], [Number.NaN, true],
  ])('%j is %s', (value, expected) => {
    expect(isPythonTruthy(value)).toBe(expected);
  });
});

describe('evaluatePythonExpression: Python semantics', () => {
  it.each<[string, PyValue]>([
    ['7 // 2', 3], ['-7 // 2', -4], ['-7 % 2', 1], ['7 % -2', -1], ['1 / 2', 0.5], ['1 // 0.1', 9], ['7.5 // 2', 3],
    ['True + 1', 2], ['True * 3', 3], ['-True', -1], ['1 == 1.0', true], ['True == 1', true], ['[True] == [1]', true],
    ["'a' * 3", 'aaa'], ["3 * 'ab'", 'ababab'], ["'a' * -1", ''], ["'a' + 'b'", 'ab'], ['[1] + [2]', [1, 2]], ['[0] * 2', [0, 0]],
    ['nested == nestedCopy', true], ['user == userCopy', true], ['nested == [1, [2]]', false], ["'1' == 1", false], ['None == 0', false],
    ['1 < 2 < 3', true], ['3 > 2 > 2', false], ['1 < 3 > 2', true], ["'a' < 'b' <= 'b'", true], ['[1, 2] < [1, 3]', true], ['[1] < [1, 0]', true],
    ['0 or 5', 5], ["'' or []", []], ["'x' and 'y'", 'y'], ['0 and 1 / 0', 0], ['1 or 1 / 0', 1], ['not []', true],
    ["'yes' if items else 'no'", 'yes'], ["'yes' if empty else 'no'", 'no'],
    ["'a' in names", true], ["'c' not in names", true], ["'ell' in text", true], ["'name' in user", true], ['2 in items', true],
    ['none[0] is None', true], ['none[0] is not None', false], ['True is True', true],
    ['items[-1]', 3], ['items[1:3]', [2, 3]], ['items[::-1]', [3, 2, 1]], ['items[5:]', []], ["'héllo'[1]", 'é'], ["'abcdef'[::2]", 'ace'],
    ["user['name']", 'Ada'], ["user['tags'][0]", 'x'],
  ])('%s → %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each<[string, PyValue]>([
    ['len(items)', 3], ["len('héllo')", 5], ['len(user)', 2], ['str(1.5)', '1.5'], ['str(None)', 'None'], ['str(True)', 'True'],
    ["str(['a', 1])", "['a', 1]"], ['str(1e-5)', '1e-05'], ["int(' 42 ')", 42], ['int(3.9)', 3], ['int(-3.9)', -3], ['int(True)', 1],
    ["float('1.5')", 1.5], ["float(' -2 ')", -2], ["bool('false')", true], ['bool(0)', false], ['abs(-2)', 2],
    ['min(items)', 1], ['max(3, 7, 5)', 7], ["max('abc')", 'c'], ['round(2.5)', 2], ['round(3.5)', 4], ['round(-0.5)', 0],
    ['round(2.675, 2)', 2.67], ['round(0.125, 2)', 0.12], ['round(1234, -2)', 1200], ['sum(items)', 6], ['sum([[1], [2]], [])', [1, 2]],
    ['any([0, None, 1])', true], ['all([])', true], ['all([1, 0])', false], ['sorted([3, 1, 2])', [1, 2, 3]],
    ["sorted(['b', 'a'], reverse=True)", ['b', 'a']], ['sorted(user)', ['name', 'tags']],
  ])('builtin %s → %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each<[string, PyValue]>([
    ['text.strip()', 'Hello World'], ['text.lower().strip()', 'hello world'], ['text.upper()', ' HELLO WORLD '], ["'xxaxx'.strip('x')", 'a'],
    ["'  a'.lstrip()", 'a'], ["'a  '.rstrip()", 'a'], ["'abc'.startswith('ab')", true], ["'abc'.endswith(('x', 'c'))", true],
    ["' a  b '.split()", ['a', 'b']], ["'a,b,c'.split(',')", ['a', 'b', 'c']], ["'a,b,c'.split(',', 1)", ['a', 'b,c']],
    ["'aaa'.replace('a', 'b', 2)", 'bba'], ["'ab'.replace('', '-')", '-a-b-'], ["', '.join(names)", 'a, b'], ["'banana'.count('an')", 2],
    ["'héllo'.find('l')", 2], ["'123'.isdigit()", true], ["''.isdigit()", false], ['items.count(2)', 1], ['names.index(\'b\')', 1],
    ["user.get('name')", 'Ada'], ["user.get('age', 0)", 0], ["user.get('constructor')", null], ['user.keys()', ['name', 'tags']],
    ['user.values()', ['Ada', ['x']]], ['user.items()', [['name', 'Ada'], ['tags', ['x']]]],
  ])('method %s → %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('lets a variable shadow a builtin, as eval(expr, {}, scope) does', () => {
    expect(errorOf('len(x)', { len: [1], x: [] }).message).toBe("TypeError: 'list' object is not callable");
  });

  it('returns plain data: results are never functions', () => {
    for (const source of ['user', 'user.keys()', 'items[0:2]', "sorted(names)"]) {
      expect(JSON.parse(JSON.stringify(run(source)))).toEqual(run(source));
    }
  });
});

describe('evaluatePythonExpression: errors', () => {
  it.each([
    ['missing', "NameError: name 'missing' is not defined"],
    ['constructor', "NameError: name 'constructor' is not defined"],
    ['toString', "NameError: name 'toString' is not defined"],
    ['hasOwnProperty', "NameError: name 'hasOwnProperty' is not defined"],
    ['items[3]', 'IndexError: list index out of range'],
    ["'ab'[-3]", 'IndexError: string index out of range'],
    ["user['age']", "KeyError: 'age'"],
    ["user['constructor']", "KeyError: 'constructor'"],
    ['1 / 0', 'ZeroDivisionError: division by zero'],
    ['1 // 0', 'ZeroDivisionError: integer division or modulo by zero'],
    ['5 % 0', 'ZeroDivisionError: integer modulo by zero'],
    ['1.5 // 0', 'ZeroDivisionError: float floor division by zero'],
    ["'a' < 1", "TypeError: '<' not supported between instances of 'str' and 'int'"],
    ['None > 0', "TypeError: '>' not supported between instances of 'NoneType' and 'int'"],
    ["'a' + 1", 'TypeError: can only concatenate str (not "int") to str'],
    ["1 + 'a'", "TypeError: unsupported operand type(s) for +: 'int' and 'str'"],
    ["'a' * 1.5", "TypeError: can't multiply sequence by non-int of type 'float'"],
    ['none[0][0]', "TypeError: 'NoneType' object is not subscriptable"],
    ["items['a']", 'TypeError: list indices must be integers or slices, not str'],
    ['1 in 2', "TypeError: argument of type 'int' is not iterable"],
    ["1 in 'a'", "TypeError: 'in <string>' requires string as left operand, not int"],
    ['len(5)', "TypeError: object of type 'int' has no len()"],
    ["int('1.5')", "ValueError: invalid literal for int() with base 10: '1.5'"],
    ["float('abc')", "ValueError: could not convert string to float: 'abc'"],
    ['max([])', 'ValueError: max() arg is an empty sequence'],
    ["names.index('z')", "ValueError: 'z' is not in list"],
    ['items.lower()', "AttributeError: 'list' object has no attribute 'lower'"],
    ['user.count(1)', "AttributeError: 'dict' object has no attribute 'count'"],
    ["'a'.lower(1)", 'TypeError: lower() takes no arguments (1 given)'],
    ['items[::0]', 'ValueError: slice step cannot be zero'],
    ["'a' * 2000000", 'MemoryError: result would have 2000000 items; the limit is 1000000'],
    ['len', "NotImplementedError: builtin 'len' can only be called, not used as a value"],
  ])('%s raises %s', (source, message) => {
    expect(errorOf(source).message).toBe(message);
  });

  it('treats __proto__ as an undefined name even in a hand-built tree', () => {
    const tree: PyExpr = { kind: 'name', id: '__proto__', position: 0 };
    expect(() => evaluatePythonExpression(tree, {})).toThrow("NameError: name '__proto__' is not defined");
    const call: PyExpr = { kind: 'call', func: 'constructor' as never, args: [], keywords: [], position: 0 };
    expect(() => evaluatePythonExpression(call, {})).toThrow(ExpressionEvaluationError);
  });

  it('finds an own __proto__ key of a dict (JSON.parse makes one) without touching the prototype', () => {
    const scope = { d: toPyValue(JSON.parse('{"__proto__": "own"}')) };
    expect(run("d['__proto__']", scope)).toBe('own');
    expect(run("d.get('__proto__')", scope)).toBe('own');
    expect(Object.getPrototypeOf(scope.d)).toBe(Object.prototype);
  });

  it('carries the Python exception name and a code', () => {
    const error = errorOf('missing');
    expect(error.pythonError).toBe('NameError');
    expect(error.code).toBe('EXPRESSION_EVALUATION');
  });
});
