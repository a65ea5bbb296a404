/** Where a text stops being JSON: offset from 0, line and column from 1, and why. */
export type JsonSyntaxError = { offset: number; line: number; column: number; reason: string };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * The first syntax error of a text that JSON.parse refused. The engine's own message gives no
 * position for an unexpected character (a Python `True`, a single quote) and quotes the text
 * instead, so the position is found here by scanning the JSON grammar. Iterative, so deeply
 * nested input cannot exhaust the stack. Undefined when the text is valid JSON.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const open: Array<'{' | '['> = [];
  const fail = (reason: string): JsonSyntaxError => ({ offset: i, ...lineAndColumn(text, i), reason });
  const skipWhitespace = () => {
    while (i < text.length && WHITESPACE.has(text.charAt(i))) i += 1;
  };

  const scanString = (): JsonSyntaxError | undefined => {
    i += 1;
    for (;;) {
      if (i >= text.length) return fail('unterminated string');
      const char = text.charAt(i);
      if (char === '"') {
        i += 1;
        return undefined;
      }
      if (char === '\\') {
        const escaped = text.charAt(i + 1);
        if (SIMPLE_ESCAPES.has(escaped)) i += 2;
        else if (escaped === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else return fail('invalid escape in a string');
      } else if (char.charCodeAt(0) < 0x20) {
        return fail('control character in a string (write it as an escape such as \\n)');
      } else {
        i += 1;
      }
    }
  };

  const scanKey = (): JsonSyntaxError | undefined => {
    skipWhitespace();
    if (text.charAt(i) !== '"') return fail(i >= text.length ? 'unexpected end; expected a property name' : 'expected a double-quoted property name');
    const problem = scanString();
    if (problem) return problem;
    skipWhitespace();
    if (text.charAt(i) !== ':') return fail("expected ':' after the property name");
    i += 1;
    return undefined;
  };

  /** Reads one value; an opened container is pushed and its first member is still to come. */
  const scanValue = (): JsonSyntaxError | 'opened' | undefined => {
    skipWhitespace();
    if (i >= text.length) return fail('unexpected end; expected a value');
    const char = text.charAt(i);
    if (char === '{' || char === '[') {
      i += 1;
      skipWhitespace();
      if (text.charAt(i) === (char === '{' ? '}' : ']')) {
        i += 1;
        return undefined;
      }
      open.push(char);
      return char === '{' ? (scanKey() ?? 'opened') : 'opened';
    }
    if (char === '"') return scanString();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return undefined;
      }
    }
    NUMBER.lastIndex = i;
    if ((char === '-' || (char >= '0' && char <= '9')) && NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return undefined;
    }
    return fail(`unexpected ${JSON.stringify(char)}; expected a value (a string, number, object, list, true, false or null)`);
  };

  for (;;) {
    const scanned = scanValue();
    if (scanned === 'opened') continue;
    if (scanned) return scanned;
    // A value is complete: close containers until one expects another member.
    for (;;) {
      skipWhitespace();
      const container = open.at(-1);
      if (container === undefined) return i < text.length ? fail('unexpected text after the JSON value') : undefined;
      const close = container === '{' ? '}' : ']';
      const char = text.charAt(i);
      if (char === close) {
        i += 1;
        open.pop();
        continue;
      }
      if (char !== ',') return fail(i >= text.length ? `unexpected end; expected ',' or '${close}'` : `expected ',' or '${close}'`);
      i += 1;
      if (container === '{') {
        const problem = scanKey();
        if (problem) return problem;
      }
      break;
    }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
