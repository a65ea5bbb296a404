export type ContentDisposition = {
  /** `attachment`, `inline`, …, lowercased. */
  type: string;
  /** The file name the server suggests (`filename*` first), or null when it gives none. */
  filename: string | null;
};

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** RFC 5987 ext-value: charset ' [language] ' percent-encoded value. */
const EXT_VALUE = /^([A-Za-z0-9!#$%&+^_`{}~-]+)'([A-Za-z0-9-]*)'(.*)$/s;

/**
 * Parses a Content-Disposition header (RFC 6266). `filename*` (RFC 5987, UTF-8 or ISO-8859-1)
 * wins over `filename`, as in browsers. Lenient where real servers are sloppy: an unquoted
 * filename may hold spaces, a parameter without "=" is skipped. Answers null when the header
 * has no disposition type or a quoted value never ends: nothing in it can be trusted then.
 */
export function parseContentDisposition(header: string): ContentDisposition | null {
  const text = header.trim();
  const typeEnd = text.indexOf(';');
  const type = (typeEnd === -1 ? text : text.slice(0, typeEnd)).trim();
  if (!TOKEN.test(type)) return null;
  const params = typeEnd === -1 ? new Map<string, string>() : parseParameters(text.slice(typeEnd + 1));
  if (params === null) return null;
  const extended = params.get('filename*');
  const filename = (extended === undefined ? null : decodeExtValue(extended)) ?? params.get('filename') ?? null;
  return { type: type.toLowerCase(), filename: filename === '' ? null : filename };
}

/** `name=value` pairs after the type; the first of a repeated name wins. Null on an unclosed quote. */
function parseParameters(text: string): Map<string, string> | null {
  const params = new Map<string, string>();
  let at = 0;
  while (at < text.length) {
    const end = nextSemicolon(text, at);
    if (end === null) return null;
    const part = text.slice(at, end);
    at = end + 1;
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    const name = part.slice(0, equals).trim().toLowerCase();
    if (!TOKEN.test(name) || params.has(name)) continue;
    params.set(name, unquote(part.slice(equals + 1).trim()));
  }
  return params;
}

/** The index of the `;` ending the parameter starting at `from` (quotes respected), or null. */
function nextSemicolon(text: string, from: number): number | null {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === '\\') i++;
    else if (char === '"') quoted = !quoted;
    else if (char === ';' && !quoted) return i;
  }
  return quoted ? null : text.length;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/gs, '$1');
}

/** The decoded value of `filename*`; null when the charset is unknown or the encoding broken. */
function decodeExtValue(value: string): string | null {
  const match = EXT_VALUE.exec(value);
  if (!match) return null;
  const charset = (match[1] ?? '').toLowerCase();
  const encoding = charset === 'utf-8' ? 'utf-8' : charset === 'iso-8859-1' ? 'latin1' : null;
  if (encoding === null) return null;
  const bytes = percentDecode(match[3] ?? '');
  if (bytes === null) return null;
  if (encoding === 'latin1') return bytes.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function percentDecode(text: string): Buffer | null {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (text[i] === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (code > 0x7f) {
      // RFC 5987 allows only ASCII here; a raw non-ASCII character means a broken header.
      return null;
    } else {
      bytes.push(code);
    }
  }
  return Buffer.from(bytes);
}
