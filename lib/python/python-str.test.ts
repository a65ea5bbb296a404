import { describe, expect, it } from 'vitest';
import { pythonJsonDumps } from './python-json.js';
import { pythonRepr, pythonStr } from './python-str.js';

describe('pythonStr', () => {
  it.each<[unknown, string]>([
    [true, 'True'], [false, 'False'], [null, 'None'], [undefined, 'None'],
    [0, '0'], [-0, '0'], [42, '42'], [-7, '-7'], [1e15, '1000000000000000'],
    [1.5, '1.5'], [0.1 + 0.2, '0.30000000000000004'], [-2.25, '-2.25'], [12345.678, '12345.678'],
    [0.0001, '0.0001'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [-1.5e-10, '-1.5e-10'], [5e-324, '5e-324'],
    [1e16, '1e+16'], [1.5e16, '1.5e+16'], [1e20, '1e+20'], [1.7976931348623157e308, '1.7976931348623157e+308'],
    [1234567890123456.7, '1234567890123456.8'], [Number.NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
    ['text', 'text'], ["it's", "it's"],
    [['a', 1], "['a', 1]"], [[], '[]'], [{}, '{}'], [{ k: [true, null] }, "{'k': [True, None]}"],
    [[["x"]], "[['x']]"], [[1.5, 1e-5], '[1.5, 1e-05]'],
  ])('str(%j) is %s', (value, expected) => {
    expect(pythonStr(value)).toBe(expected);
  });

  it('quotes strings inside containers as repr does', () => {
    expect(pythonStr(["it's"])).toBe(`["it's"]`);
    expect(pythonStr([`a"b'c`])).toBe(`['a"b\\'c']`);
    expect(pythonStr(['a\nb\t\\'])).toBe(`['a\\nb\\t\\\\']`);
    expect(pythonStr(['é', '\x00', '\x7f', '\u200b', '😀'])).toBe(`['é', '\\x00', '\\x7f', '\\u200b', '😀']`);
    expect(pythonStr({ "key's": 'v' })).toBe(`{"key's": 'v'}`);
  });

  it('prints an integer-valued float as an int, since JSON has already lost the difference', () => {
    expect(pythonStr(2.0)).toBe('2');
    expect(pythonStr([1.0])).toBe('[1]');
  });

  it('prints a cycle as Python does instead of overflowing the stack', () => {
    const list: unknown[] = [1];
    list.push(list);
    expect(pythonRepr(list)).toBe('[1, [...]]');
  });
});

describe('pythonJsonDumps', () => {
  it('writes json.dumps defaults: spaced separators, ASCII only, insertion order', () => {
    expect(pythonJsonDumps({ b: 1, a: [true, null, 'é"\n'], c: 1.5, d: {} })).toBe('{"b": 1, "a": [true, null, "\\u00e9\\"\\n"], "c": 1.5, "d": {}}');
    expect(pythonJsonDumps(['😀', 1e20, Number.NaN])).toBe('["\\ud83d\\ude00", 1e+20, NaN]');
    expect(pythonJsonDumps({ b: [1], a: { d: 'x', c: true } }, { sortKeys: true })).toBe('{"a": {"c": true, "d": "x"}, "b": [1]}');
  });
});
