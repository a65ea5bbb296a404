import { describe, expect, it } from 'vitest';
import { ExpressionSyntaxError, MAX_EXPRESSION_LENGTH, parsePythonExpression } from './python-expression.js';

function syntaxErrorOf(source: string): ExpressionSyntaxError {
  try {
    parsePythonExpression(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionSyntaxError);
    return error as ExpressionSyntaxError;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe('parsePythonExpression', () => {
  it('builds a tree with Python precedence: not binds looser than ==, and looser than not', () => {
    expect(parsePythonExpression('a[0] and not b[0] == 1')).toMatchObject({
      kind: 'bool',
      op: 'and',
      values: [
        { kind: 'subscript', target: { kind: 'name', id: 'a' }, index: { kind: 'constant', value: 0 } },
        { kind: 'unary', op: 'not', operand: { kind: 'compare', ops: ['=='] } },
      ],
    });
  });

  it('keeps chained comparisons as one node and reads two-word operators', () => {
    expect(parsePythonExpression('1 < x <= 3 is not None not in y')).toMatchObject({
      kind: 'compare',
      ops: ['<', '<=', 'is not', 'not in'],
    });
  });

  it('binds unary minus tighter than * and the conditional loosest of all', () => {
    expect(parsePythonExpression('-a * b if c else d')).toMatchObject({
      kind: 'conditional',
      body: { kind: 'binary', op: '*', left: { kind: 'unary', op: '-' } },
      test: { kind: 'name', id: 'c' },
      orelse: { kind: 'name', id: 'd' },
    });
  });

  it('reads slices, method chains, tuples and keyword arguments of sorted', () => {
    expect(parsePythonExpression('x[1:]')).toMatchObject({ kind: 'slice', lower: { value: 1 }, upper: null, step: null });
    expect(parsePythonExpression('x[::-1]')).toMatchObject({ kind: 'slice', lower: null, upper: null, step: { kind: 'unary' } });
    expect(parsePythonExpression("s.strip().split(',')[0]")).toMatchObject({ kind: 'subscript', target: { kind: 'method', method: 'split' } });
    expect(parsePythonExpression('(1,)')).toMatchObject({ kind: 'tuple', elements: [{ value: 1 }] });
    expect(parsePythonExpression('()')).toMatchObject({ kind: 'tuple', elements: [] });
    expect(parsePythonExpression('(1)')).toMatchObject({ kind: 'constant', value: 1 });
    expect(parsePythonExpression('sorted(x, reverse=True)')).toMatchObject({ kind: 'call', func: 'sorted', keywords: [{ name: 'reverse' }] });
  });

  it('reads the literal forms Python has', () => {
    const value = (source: string) => (parsePythonExpression(source) as { value: unknown }).value;
    expect(value("'it''s'")).toBe('its');
    expect(value('"a\\tb\\x41\\u00e9\\101\\q"')).toBe('a\tbA\u00e9A\\q');
    expect(value("r'\\d+\\''")).toBe("\\d+\\'");
    expect(value("u'x'")).toBe('x');
    expect(value("'''a'b'''")).toBe("a'b");
    expect(value('1_000')).toBe(1000);
    expect(value('0x1f')).toBe(31);
    expect(value('1.5e3')).toBe(1500);
    expect(value('.5')).toBe(0.5);
    expect(value('00')).toBe(0);
    expect(value('None')).toBe(null);
  });

  it('accepts newlines inside brackets and comments, as eval does', () => {
    expect(parsePythonExpression('(a\n and b) # note\n')).toMatchObject({ kind: 'bool', op: 'and' });
  });

  it('formats the message as <problem> at position <n>: <hint>', () => {
    const error = syntaxErrorOf('x[0] + y[]');
    expect(error.message).toBe('unexpected "]" at position 9: expected an expression');
    expect(error.position).toBe(9);
    expect(error.source).toBe('x[0] + y[]');
    expect(error.code).toBe('EXPRESSION_SYNTAX');
  });

  it.each([
    ["__import__('os')", 0, 'dunder names are not allowed'],
    ['().__class__', 3, 'dunder attributes are not allowed'],
    ['x.__class__', 2, 'dunder attributes are not allowed'],
    ['x.upper().__class__', 10, 'dunder attributes are not allowed'],
    ['__proto__', 0, 'dunder names are not allowed'],
    ['lambda: 1', 0, 'lambda expressions are not supported'],
    ['[a for a in b]', 3, 'comprehensions are not supported'],
    ['len(x for x in y)', 6, 'comprehensions are not supported'],
    ["constructor.constructor('x')()", 12, 'method "constructor"'],
    ["open('f')", 0, 'calling "open"'],
    ["exec('1')", 0, 'calling "exec"'],
    ["eval('1')", 0, 'calling "eval"'],
    ["getattr(x, 'y')", 0, 'calling "getattr"'],
    ["isinstance(x, str)", 0, 'calling "isinstance"'],
    ["f'{x}'", 0, 'f-strings are not supported'],
    ["b'abc'", 0, 'bytes literals are not supported'],
    ['x = 1', 2, 'assignment is not allowed'],
    ['x[0] += 1', 6, 'assignment is not allowed'],
    ['(y := 1)', 3, 'assignment expressions are not allowed'],
    ['x; y', 1, 'statements are not allowed'],
    ['import os', 0, 'statements are not allowed'],
    ['yield x', 0, 'yield is not supported'],
    ['len(*x)', 4, 'star arguments'],
    ['sorted(x, key=len)', 10, 'keyword argument "key"'],
    ['str(x, y=1)', 7, 'keyword argument "y"'],
    ['x.lower', 1, 'only allowed as a method call'],
    ['x.pop()', 2, 'method "pop"'],
    ['x[0]()', 4, 'only builtin functions and whitelisted methods can be called'],
    ['{1: 2}', 0, 'set and dict literals are not supported'],
    ['2 ** 8', 2, 'the power operator is not supported'],
    ['x @ y', 2, 'the matrix operator is not supported'],
    ['x[1, 2]', 3, 'tuple indexes are not supported'],
    ['a if b', 6, 'unexpected end of expression at position 6: expected "else"'],
    ['x[0', 3, 'expected "]"'],
    ["'abc", 0, 'unterminated string literal'],
    ['01', 0, 'leading zeros'],
    ['1j', 0, 'complex numbers are not supported'],
    ['a\nb', 1, 'unexpected newline'],
    ['...', 0, 'Ellipsis is not supported'],
    ['$x', 0, 'unexpected character "$"'],
    ["'\\N{DASH}'", 1, '\\N{...}'],
  ])('refuses %j at position %i', (source, position, fragment) => {
    const error = syntaxErrorOf(source);
    expect(error.position).toBe(position);
    expect(error.message).toContain(fragment);
    expect(error.message).toContain(`at position ${position}`);
  });

  it('refuses an expression longer than the limit, pointing just past it', () => {
    const error = syntaxErrorOf('x'.repeat(MAX_EXPRESSION_LENGTH + 1));
    expect(error.position).toBe(MAX_EXPRESSION_LENGTH);
    expect(error.message).toContain('too long');
  });

  it('refuses nesting deeper than 50 levels at the bracket that crosses the limit', () => {
    expect(() => parsePythonExpression(`${'('.repeat(50)}1${')'.repeat(50)}`)).not.toThrow();
    const error = syntaxErrorOf(`${'('.repeat(60)}1${')'.repeat(60)}`);
    expect(error.position).toBe(50);
    expect(error.message).toContain('nested too deeply');
    expect(syntaxErrorOf(`${'not '.repeat(60)}x`).message).toContain('nested too deeply');
  });
});
