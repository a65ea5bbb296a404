import { commandError } from './locator-command-error.js';

export type Punct = '(' | ')' | ',' | '=' | '.';

export type Token =
  | { kind: 'name'; text: string; start: number }
  | { kind: 'string'; value: string; start: number }
  | { kind: 'int'; value: number; start: number }
  | { kind: 'placeholder'; text: string; start: number }
  | { kind: 'punct'; text: Punct; start: number }
  // A character outside the grammar (`+`, `;`, `[`...). It becomes a token rather than an error so
  // that the parser can say what it expected at that point.
  | { kind: 'invalid'; text: string; start: number }
  | { kind: 'end'; start: number };

const PUNCTS: readonly string[] = ['(', ')', ',', '=', '.'] satisfies Punct[];
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const HEX = /^[0-9A-Fa-f]+$/;
const MAX_PLACEHOLDER_LENGTH = 200;
// `{name}`, `{name[0]}`, `{index_of(name)}`, `{var.path[1]}`: what the variable layer substitutes.
const PLACEHOLDER = /^\{[A-Za-z_][^{}\s"'\\]*\}$/;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

function isPunct(ch: string): ch is Punct {
  return PUNCTS.includes(ch);
}

/** Describes a token for error messages, e.g. `")"`, `name "open"`, `end of input`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'name':
      return `name "${token.text}"`;
    case 'string':
      return 'a string';
    case 'int':
      return `number ${token.value}`;
    case 'placeholder':
      return `placeholder ${token.text}`;
    case 'punct':
    case 'invalid':
      return JSON.stringify(token.text);
    case 'end':
      return 'end of input';
  }
}

/**
 * Python tokens of the locator subset, read on demand so that a syntax error is reported where
 * the parser meets it, not where a later malformed token happens to sit.
 */
export class Lexer {
  private readonly source: string;
  private offset = 0;
  private readonly buffered: Token[] = [];

  constructor(source: string) {
    this.source = source;
  }

  peek(ahead = 0): Token {
    while (this.buffered.length <= ahead) this.buffered.push(this.read());
    const token = this.buffered[ahead];
    if (!token) throw new Error('unreachable: lexer buffer underflow');
    return token;
  }

  next(): Token {
    const token = this.peek();
    this.buffered.shift();
    return token;
  }

  private read(): Token {
    const src = this.source;
    while (this.offset < src.length && WHITESPACE.has(src.charAt(this.offset))) this.offset++;
    const start = this.offset;
    if (start >= src.length) return { kind: 'end', start };
    const ch = src.charAt(start);
    if (isPunct(ch)) {
      this.offset++;
      return { kind: 'punct', text: ch, start };
    }
    if (ch === '"' || ch === "'") return this.readString(start, start, false);
    if (IDENT_START.test(ch)) return this.readNameOrPrefixedString(start);
    if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(src.charAt(start + 1)))) return this.readInt(start);
    if (ch === '{') return this.readPlaceholder(start);
    this.offset++;
    // Report a whole surrogate pair as one character.
    const codePoint = src.codePointAt(start) ?? 0;
    if (codePoint > 0xffff) this.offset++;
    return { kind: 'invalid', text: String.fromCodePoint(codePoint), start };
  }

  private readNameOrPrefixedString(start: number): Token {
    let end = start + 1;
    while (end < this.source.length && IDENT_PART.test(this.source.charAt(end))) end++;
    const text = this.source.slice(start, end);
    const following = this.source.charAt(end);
    if (following === '"' || following === "'") {
      if (text === 'r' || text === 'R') return this.readString(start, end, true);
      // f-strings would run code in Python, bytes are not text: neither is a locator argument.
      if (/^[rRbBuUfF]{1,2}$/.test(text)) throw this.error(`string prefix "${text}" is not supported`, start, 'a plain or r"raw" string');
    }
    this.offset = end;
    return { kind: 'name', text, start };
  }

  private readInt(start: number): Token {
    let end = start + 1;
    while (end < this.source.length && DIGIT.test(this.source.charAt(end))) end++;
    const text = this.source.slice(start, end);
    // Python 3 rejects leading zeros (`007`) as a syntax error.
    if (/^-?0[0-9]/.test(text)) throw this.error(`invalid number "${text}"`, start, 'an integer without leading zeros');
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw this.error(`number "${text}" is too large`, start);
    this.offset = end;
    return { kind: 'int', value: value === 0 ? 0 : value, start };
  }

  private readPlaceholder(start: number): Token {
    const close = this.source.indexOf('}', start);
    const end = close === -1 ? -1 : close + 1;
    if (end === -1 || end - start > MAX_PLACEHOLDER_LENGTH) throw this.error('unterminated placeholder', start, '"}"');
    const text = this.source.slice(start, end);
    if (!PLACEHOLDER.test(text)) throw this.error(`invalid placeholder ${JSON.stringify(text)}`, start, 'a placeholder such as {name[0]}');
    this.offset = end;
    return { kind: 'placeholder', text, start };
  }

  /** A Python string literal; `quoteAt` is its opening quote, `start` its prefix if any. */
  private readString(start: number, quoteAt: number, raw: boolean): Token {
    const src = this.source;
    const quote = src.charAt(quoteAt);
    let value = '';
    let i = quoteAt + 1;
    for (;;) {
      if (i >= src.length || src.charAt(i) === '\n') throw this.error('unterminated string', start, `a closing ${quote}`);
      const ch = src.charAt(i);
      if (ch === quote) break;
      if (ch !== '\\') {
        value += ch;
        i++;
        continue;
      }
      if (i + 1 >= src.length) throw this.error('unterminated string', start, `a closing ${quote}`);
      const next = src.charAt(i + 1);
      if (raw) {
        // A raw string keeps the backslash, yet the backslash still stops a quote from closing it.
        value += ch + next;
        i += 2;
        continue;
      }
      const decoded = this.readEscape(i);
      value += decoded.text;
      i = decoded.end;
    }
    this.offset = i + 1;
    return { kind: 'string', value, start };
  }

  /** The escape sequence whose backslash is at `at`; unknown escapes keep the backslash, as in Python. */
  private readEscape(at: number): { text: string; end: number } {
    const src = this.source;
    const letter = src.charAt(at + 1);
    const simple = SIMPLE_ESCAPES[letter];
    if (simple !== undefined) return { text: simple, end: at + 2 };
    if (letter === '\n') return { text: '', end: at + 2 };
    if (/[0-7]/.test(letter)) {
      const digits = /^[0-7]{1,3}/.exec(src.slice(at + 1, at + 4))?.[0] ?? letter;
      return { text: String.fromCharCode(parseInt(digits, 8)), end: at + 1 + digits.length };
    }
    const hexLength = { x: 2, u: 4, U: 8 }[letter];
    if (hexLength !== undefined) {
      const hex = src.slice(at + 2, at + 2 + hexLength);
      const codePoint = HEX.test(hex) && hex.length === hexLength ? parseInt(hex, 16) : NaN;
      if (!(codePoint <= 0x10ffff)) throw this.error(`invalid \\${letter} escape`, at, `\\${letter} and ${hexLength} hex digits`);
      return { text: String.fromCodePoint(codePoint), end: at + 2 + hexLength };
    }
    if (letter === 'N') throw this.error('named unicode escapes (\\N{...}) are not supported', at, '\\uXXXX');
    return { text: `\\${letter}`, end: at + 2 };
  }

  private error(problem: string, position: number, expected?: string): Error {
    return commandError(this.source, problem, position, expected);
  }
}
