import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from './locate-json-syntax-error.js';

describe('locateJsonSyntaxError', () => {
  it.each([
    '{}',
    '[]',
    ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {"c": {}}} ',
    '"just a string"',
    '0',
  ])('finds nothing wrong in %s', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(locateJsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    ['a Python literal', '{"a": True}', 6, 'unexpected "T"'],
    ['a single-quoted string', "{'a': 1}", 1, 'expected a double-quoted property name'],
    ['a trailing comma', '{"a": 1,}', 8, 'expected a double-quoted property name'],
    ['a missing comma', '[1 2]', 3, "expected ',' or ']'"],
    ['text after the value', '{} x', 3, 'unexpected text after the JSON value'],
    ['an unfinished object', '{"a": [1', 8, "unexpected end; expected ',' or ']'"],
    ['an empty text', '', 0, 'unexpected end; expected a value'],
    ['a bad escape', '["\\x"]', 2, 'invalid escape'],
    ['a raw newline in a string', '["a\nb"]', 3, 'control character'],
    ['a lone minus', '[-]', 1, 'unexpected "-"'],
    ['a missing colon', '{"a" 1}', 5, "expected ':'"],
  ])('locates %s', (_case, text, offset, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    const found = locateJsonSyntaxError(text);
    expect(found?.offset).toBe(offset);
    expect(found?.reason).toContain(reason);
  });

  it('counts lines and columns from 1', () => {
    expect(locateJsonSyntaxError('{\n  "a": 1,\n  "b": tru\n}')).toMatchObject({ line: 3, column: 8 });
  });

  it('survives nesting deeper than any call stack', () => {
    expect(locateJsonSyntaxError('['.repeat(200_000))).toMatchObject({ offset: 200_000, reason: 'unexpected end; expected a value' });
  });
});
