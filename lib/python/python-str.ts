/**
 * Python's `str()` and `repr()` for JSON-shaped values, so text substituted into a recording reads
 * exactly as the original worker writes it (`True`, `None`, `1e-05`, `['a', 1]`).
 */

/** Python `str(value)`: strings as they are, everything else as its repr. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python `repr(value)`. A cycle prints as `[...]` / `{...}`, as Python does. */
export function pythonRepr(value: unknown, seen: Set<object> = new Set()): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return formatPythonNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return quotePythonString(value);
  if (typeof value === 'function') return '<function>';
  if (typeof value === 'symbol') return value.toString();
  if (seen.has(value)) return Array.isArray(value) ? '[...]' : '{...}';
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => pythonRepr(item, seen)).join(', ')}]`;
    const entries = Object.entries(value).map(([key, item]) => `${quotePythonString(key)}: ${pythonRepr(item, seen)}`);
    return `{${entries.join(', ')}}`;
  } finally {
    seen.delete(value);
  }
}

/**
 * A JS number as Python prints it. An integer-valued number below 1e16 is taken for an int
 * (digits only); anything else is a float in `float.__repr__` form: shortest round-trip digits,
 * positional for exponents -4..15 with at least one fractional digit, else `1.5e+16` / `1e-05`.
 * The 1e16 cut is where Python's float repr switches to exponents, so JSON floats such as 1e20
 * print as the original prints them. -0 prints as `0` (int arithmetic never yields -0 in Python).
 */
export function formatPythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0)) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value);
  return formatPythonFloat(value);
}

function formatPythonFloat(value: number): string {
  // toExponential() without an argument gives the shortest digits that round-trip, like repr.
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
  }
  const shortMantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${shortMantissa}e${exponent < 0 ? '-' : '+'}${exponentDigits}`;
}

// Python's str.isprintable() is false for these categories (the space character excepted).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const NAMED_ESCAPES: ReadonlyMap<string, string> = new Map([['\\', '\\\\'], ['\n', '\\n'], ['\r', '\\r'], ['\t', '\\t']]);

/** `repr()` of a str: single quotes unless the text has a `'` and no `"`. */
export function quotePythonString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const ch of text) {
    const named = NAMED_ESCAPES.get(ch);
    if (named !== undefined) body += named;
    else if (ch === quote) body += `\\${quote}`;
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) body += escapeCodePoint(ch.codePointAt(0) ?? 0);
    else body += ch;
  }
  return `${quote}${body}${quote}`;
}

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}
