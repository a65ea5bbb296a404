import { ExpressionSyntaxError } from './expression-errors.js';

/**
 * Splits an expression into tokens the way CPython's tokenizer would for the subset we accept,
 * and refuses anything outside it (f-strings, bytes, `**`, `{`, `;`, statement keywords …) at
 * the character where it starts.
 */
export type Token =
  | { kind: 'number'; value: number; text: string; position: number }
  | { kind: 'string'; value: string; text: string; position: number }
  | { kind: 'name' | 'keyword' | 'op' | 'end'; text: string; position: number };

/** Keywords the grammar uses. Soft keywords (`match`, `case`, `type`, `_`) stay plain names. */
export const EXPRESSION_KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'True', 'False', 'None']);

// Maps, not object literals: a lookup of `constructor` or `__proto__` must not find Object.prototype.
const REFUSED_KEYWORDS: ReadonlyMap<string, string> = new Map([
  ['lambda', 'lambda expressions are not supported'],
  ['for', 'comprehensions are not supported'],
  ['async', 'comprehensions are not supported'],
  ['await', 'await is not supported'],
  ['yield', 'yield is not supported'],
  ...[
    'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif', 'except', 'finally', 'from',
    'global', 'import', 'nonlocal', 'pass', 'raise', 'return', 'try', 'while', 'with',
  ].map((word): [string, string] => [word, 'statements are not allowed']),
]);

/** Every Python keyword; such a word is never a variable name. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([...EXPRESSION_KEYWORDS, ...REFUSED_KEYWORDS.keys()]);

// Longest first, so `//` wins over `/` and `:=` over `:`. `=` and `:=` are tokens so the parser
// can say "assignment is not allowed" where it meets them.
const OPERATORS = ['//', '==', '!=', '<=', '>=', ':=', '(', ')', '[', ']', ',', ':', '.', '+', '-', '*', '/', '%', '<', '>', '='];
const REFUSED_OPERATORS: ReadonlyArray<[string, string]> = [
  ['**', 'the power operator is not supported'],
  ['->', 'annotations are not supported'],
  ['<<', 'bitwise operators are not supported'],
  ['>>', 'bitwise operators are not supported'],
  ['{', 'set and dict literals are not supported'],
  ['}', 'set and dict literals are not supported'],
  [';', 'statements are not allowed'],
  ['&', 'bitwise operators are not supported'],
  ['|', 'bitwise operators are not supported'],
  ['^', 'bitwise operators are not supported'],
  ['~', 'bitwise operators are not supported'],
  ['@', 'the matrix operator is not supported'],
  ['\\', 'line continuations are not supported'],
];

const DIGITS = String.raw`\d(?:_?\d)*`;
const NUMBER = new RegExp(
  String.raw`0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|` +
    String.raw`(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?`,
  'y',
);
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const NAME_CHAR = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;
const SPACE = /[ \t\f]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const fail = (position: number, problem: string, hint?: string): never => {
    throw new ExpressionSyntaxError(source, position, problem, hint);
  };
  let depth = 0;
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (SPACE.test(ch)) { i += 1; continue; }
    if (ch === '#') { while (i < source.length && source[i] !== '\n') i += 1; continue; }
    if (ch === '\n' || ch === '\r') {
      // Python's eval accepts newlines inside brackets and trailing ones only.
      if (depth === 0 && !/^(?:\s|#[^\n]*)*$/.test(source.slice(i))) fail(i, 'unexpected newline', 'an expression must be on one line outside brackets');
      i += 1;
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(source)?.[0];
    if (name !== undefined) {
      const quote = source[i + name.length];
      if ((quote === "'" || quote === '"') && name.length <= 2 && /^[rubf]+$/i.test(name)) {
        const token = readString(source, i, name.toLowerCase(), i + name.length, fail);
        tokens.push(token);
        i += token.text.length;
        continue;
      }
      const refusal = REFUSED_KEYWORDS.get(name);
      if (refusal !== undefined) fail(i, `keyword "${name}"`, refusal);
      tokens.push({ kind: EXPRESSION_KEYWORDS.has(name) ? 'keyword' : 'name', text: name, position: i });
      i += name.length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const token = readString(source, i, '', i, fail);
      tokens.push(token);
      i += token.text.length;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(source)?.[0];
    if (number !== undefined) {
      tokens.push(readNumber(number, i, source[i + number.length], fail));
      i += number.length;
      continue;
    }
    if (source.startsWith('...', i)) fail(i, 'unexpected "..."', 'Ellipsis is not supported');
    const refused = REFUSED_OPERATORS.find(([text]) => source.startsWith(text, i));
    if (refused !== undefined) fail(i, `unexpected "${refused[0]}"`, refused[1]);
    const operator = OPERATORS.find((text) => source.startsWith(text, i));
    if (operator === undefined) fail(i, `unexpected character ${JSON.stringify(ch)}`, 'not part of a Python expression');
    const op = operator as string;
    if (op === '(' || op === '[') depth += 1;
    if ((op === ')' || op === ']') && depth > 0) depth -= 1;
    tokens.push({ kind: 'op', text: op, position: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}

type Fail = (position: number, problem: string, hint?: string) => never;

function readNumber(text: string, position: number, next: string | undefined, fail: Fail): Token {
  if (next === 'j' || next === 'J') fail(position, 'complex number', 'complex numbers are not supported');
  if (next !== undefined && NAME_CHAR.test(next)) fail(position, 'invalid decimal literal', 'a number cannot run into a name');
  if (/^0+[1-9_]/.test(text) && /^[\d_]+$/.test(text)) {
    fail(position, 'leading zeros in decimal integer literals are not permitted', 'use an 0o prefix for octal integers');
  }
  return { kind: 'number', value: Number(text.replaceAll('_', '')), text, position };
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\n', ''], ['\\', '\\'], ["'", "'"], ['"', '"'], ['a', '\x07'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t'], ['v', '\v'],
]);

function readString(source: string, position: number, prefix: string, start: number, fail: Fail): Token {
  if (prefix.includes('f')) fail(position, 'f-string', 'f-strings are not supported');
  if (prefix.includes('b')) fail(position, 'bytes literal', 'bytes literals are not supported');
  if (prefix.length > 1) fail(position, `invalid string prefix "${prefix}"`, 'only r and u prefixes are supported');
  const raw = prefix === 'r';
  const quote = source[start] as string;
  const delimiter = source.startsWith(quote.repeat(3), start) ? quote.repeat(3) : quote;
  let value = '';
  let i = start + delimiter.length;
  for (;;) {
    if (i >= source.length) fail(position, 'unterminated string literal', `expected ${delimiter} to close it`);
    if (source.startsWith(delimiter, i)) break;
    const ch = source[i] as string;
    if (ch === '\n' && delimiter.length === 1) fail(position, 'unterminated string literal', `expected ${delimiter} before the end of the line`);
    if (ch !== '\\') { value += ch; i += 1; continue; }
    const next = source[i + 1];
    if (next === undefined) { i += 1; continue; }
    if (raw) { value += ch + next; i += 2; continue; }
    const simple = SIMPLE_ESCAPES.get(next);
    if (simple !== undefined) { value += simple; i += 2; continue; }
    const octal = /^[0-7]{1,3}/.exec(source.slice(i + 1, i + 4))?.[0];
    if (octal !== undefined) { value += String.fromCodePoint(parseInt(octal, 8)); i += 1 + octal.length; continue; }
    const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = source.slice(i + 2, i + 2 + width);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === width ? parseInt(hex, 16) : -1;
      if (code < 0 || code > 0x10ffff) fail(i, `invalid \\${next} escape`, `expected ${width} hex digits`);
      value += String.fromCodePoint(code);
      i += 2 + width;
      continue;
    }
    if (next === 'N') fail(i, 'unsupported \\N{...} escape', 'write the character itself');
    // Python keeps an unknown escape as is (with a warning).
    value += ch + next;
    i += 2;
  }
  const end = i + delimiter.length;
  return { kind: 'string', value, text: source.slice(position, end), position };
}
