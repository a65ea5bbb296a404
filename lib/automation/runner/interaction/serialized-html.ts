/**
 * Tokens of an element's children as Chromium serialises them (`innerHTML`), read by inverting
 * the serialiser (https://html.spec.whatwg.org/#serialising-html-fragments) rather than by
 * emulating the HTML parser: a start tag is `<name` then ` attr="value"` pairs then `>`, an end
 * tag is `</name>`, a comment `<!--data-->`; text escapes & < > and U+00A0, attribute values
 * escape & " U+00A0 (and < > in recent Chromium, 143 included). Whatever that output cannot contain makes
 * the whole answer null, so a caller never acts on a guess.
 */

export type HtmlToken =
  | { kind: 'start'; name: string; attributes: ReadonlyMap<string, string> }
  | { kind: 'end'; name: string }
  | { kind: 'text'; text: string };

/**
 * Elements whose text the serialiser writes unescaped: where it ends cannot be told from the
 * markup alone (script text set from script may hold `</script>`), so none is read.
 */
export const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);

/** A tag or attribute name: it ends at white space, '/', '>' or '=' (the DOM's rules for names). */
const NAME = /[^\t\n\f\r />=]+/y;
/** How an element name starts; '<!' (a doctype, CDATA) and '<?' (a processing instruction) do not. */
const ELEMENT_NAME_START = /[A-Za-z:_\u0080-\uffff]/;

/** The only references the serialiser writes, plus &apos; for markup written by hand. */
const NAMED_REFERENCES = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', '\u00a0'],
]);

/** The tokens of `html`, comments left out; null when it is not a serialisation this reads. */
export function tokenizeSerializedHtml(html: string): HtmlToken[] | null {
  const tokens: HtmlToken[] = [];
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    const textEnd = open === -1 ? html.length : open;
    if (textEnd > at) {
      const raw = html.slice(at, textEnd);
      // The serialiser escapes every > in text: a bare one means a comment held "-->" or the
      // markup came from elsewhere.
      if (raw.includes('>')) return null;
      const text = decodeReferences(raw);
      if (text === null) return null;
      tokens.push({ kind: 'text', text });
    }
    if (open === -1) break;
    const next = readMarkup(html, open, tokens);
    if (next === null) return null;
    at = next;
  }
  return tokens;
}

/** Reads the comment or tag at `open` (a '<'), pushing its token; the index after it, or null. */
function readMarkup(html: string, open: number, tokens: HtmlToken[]): number | null {
  if (html.startsWith('<!--', open)) {
    const close = html.indexOf('-->', open + 4);
    return close === -1 ? null : close + 3;
  }
  if (html.startsWith('</', open)) {
    const name = readElementName(html, open + 2);
    if (name === null || html[open + 2 + name.length] !== '>') return null;
    tokens.push({ kind: 'end', name });
    return open + 3 + name.length;
  }
  const name = readElementName(html, open + 1);
  if (name === null || RAW_TEXT_ELEMENTS.has(name.toLowerCase())) return null;
  const attributes = new Map<string, string>();
  let at = open + 1 + name.length;
  while (html[at] === ' ') {
    const attribute = readAttribute(html, at + 1);
    if (attribute === null || attributes.has(attribute.name)) return null;
    attributes.set(attribute.name, attribute.value);
    at = attribute.end;
  }
  // No '/': an HTML serialisation never closes a tag with "/>" (an XML one does).
  if (html[at] !== '>') return null;
  tokens.push({ kind: 'start', name, attributes });
  return at + 1;
}

function readElementName(html: string, from: number): string | null {
  return ELEMENT_NAME_START.test(html.charAt(from)) ? readName(html, from) : null;
}

function readName(html: string, from: number): string | null {
  NAME.lastIndex = from;
  return NAME.exec(html)?.[0] ?? null;
}

/** ` name="value"` from just after the space; values are always double-quoted, " escaped inside. */
function readAttribute(html: string, from: number): { name: string; value: string; end: number } | null {
  const name = readName(html, from);
  if (name === null) return null;
  const quote = from + name.length + 1;
  if (html[quote - 1] !== '=' || html[quote] !== '"') return null;
  const close = html.indexOf('"', quote + 1);
  if (close === -1) return null;
  const value = decodeReferences(html.slice(quote + 1, close));
  return value === null ? null : { name, value, end: close + 1 };
}

/** Replaces character references; null for an unknown, unterminated or ambiguous one. */
function decodeReferences(raw: string): string | null {
  let decoded = '';
  let at = 0;
  for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', at)) {
    const semicolon = raw.indexOf(';', amp);
    if (semicolon === -1) return null;
    const character = resolveReference(raw.slice(amp + 1, semicolon));
    if (character === null) return null;
    decoded += raw.slice(at, amp) + character;
    at = semicolon + 1;
  }
  return decoded + raw.slice(at);
}

function resolveReference(reference: string): string | null {
  if (!reference.startsWith('#')) return NAMED_REFERENCES.get(reference) ?? null;
  const hex = /^#[xX]([0-9a-fA-F]{1,6})$/.exec(reference)?.[1];
  const decimal = /^#([0-9]{1,7})$/.exec(reference)?.[1];
  const code = hex !== undefined ? Number.parseInt(hex, 16) : decimal !== undefined ? Number.parseInt(decimal, 10) : Number.NaN;
  // NUL, surrogates and numbers past Unicode name no character; the HTML parser reads
  // 0x80-0x9F as windows-1252, XML as C1 controls: none of them is decoded.
  if (Number.isNaN(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || (code >= 0x80 && code <= 0x9f)) return null;
  return String.fromCodePoint(code);
}
