/** Python inline flags that have a JS equivalent; the others (x, a, L, u) change the meaning. */
const INLINE_FLAGS: Readonly<Record<string, string>> = { i: 'i', m: 'm', s: 's' };

/**
 * A JS RegExp for a Python `re.compile` pattern. The common subset is spelled the same; this
 * rewrites the Python-only pieces recordings may carry: leading inline flags `(?i)`, named groups
 * `(?P<n>...)` / `(?P=n)`, the anchors `\A` / `\Z`, and a `]` first in a class (literal in Python,
 * an empty class in JS). Throws SyntaxError when the result is not a valid JS pattern.
 */
export function toJsRegExp(source: string, ignoreCase: boolean): RegExp {
  const flags = new Set(ignoreCase ? ['i'] : []);
  let body = source;
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (inline) {
    for (const letter of inline[1] ?? '') {
      const flag = INLINE_FLAGS[letter];
      if (!flag) throw new SyntaxError(`inline flag "${letter}" is not supported`);
      flags.add(flag);
    }
    body = body.slice(inline[0].length);
  }
  return new RegExp(translate(body), [...flags].join(''));
}

function translate(body: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (ch === '\\') {
      const next = body.charAt(i + 1);
      i++;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'Z') out += '$';
      else out += ch + next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (body.charAt(i + 1) === '^') out += body.charAt(++i);
      if (body.charAt(i + 1) === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (body.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (body.startsWith('(?P=', i)) {
      const close = body.indexOf(')', i);
      if (close === -1) throw new SyntaxError('unterminated (?P= group reference');
      out += `\\k<${body.slice(i + 4, close)}>`;
      i = close;
      continue;
    }
    out += ch;
  }
  return out;
}
