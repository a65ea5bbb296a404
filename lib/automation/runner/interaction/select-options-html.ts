import { RAW_TEXT_ELEMENTS, tokenizeSerializedHtml, type HtmlToken } from './serialized-html.js';
import type { SelectOption } from './smart-select.js';

/**
 * Reads a <select>'s options from its `innerHTML`, giving exactly what the page's
 * `Array.from(select.options, (o) => ({ value: o.value, label: o.label || o.textContent || '' }))`
 * gives, or null when the markup holds something whose answer it cannot be sure of. That lets a
 * select_option step read the options in Playwright's utility world instead of making the first
 * main-world evaluation in the document, which installs Playwright's scripts there.
 *
 * Which options `select.options` lists follows the packaged Chromium (143, customizable select): every
 * <option> descendant of the select, except inside another option, a nested select, an <hr>,
 * or an optgroup within an optgroup (HTMLSelectElement::AssociatedSelectAndOptgroup). Shapes
 * on which Chromium versions differ or that the serialisation cannot show are declined (null):
 * a nested select, <datalist>, <template>, an option or optgroup inside an option, nested
 * optgroups, options or void elements in SVG/MathML, raw-text elements (script, style, ...),
 * elements named with a prefix or in unusual case, and anything the tokenizer declines.
 */
export function readSelectOptionsHtml(html: string): SelectOption[] | null {
  const tokens = tokenizeSerializedHtml(html);
  return tokens === null ? null : readOptions(tokens);
}

/** Never read: their options are not the select's, or not the same in every Chromium. */
const DECLINED_ELEMENTS = new Set(['select', 'datalist', 'template']);

/** Serialised without an end tag (html.spec.whatwg.org: "serializes as void"). */
const VOID_ELEMENTS = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

const FOREIGN_ROOTS = new Set(['svg', 'math']);

/**
 * Names the reading gives a meaning to. Spelled in another case they can only be elements made
 * by script in another namespace or with an odd local name, whose kind the markup does not show.
 */
const MEANINGFUL_NAMES = new Set([...DECLINED_ELEMENTS, ...VOID_ELEMENTS, ...FOREIGN_ROOTS, ...RAW_TEXT_ELEMENTS, 'option', 'optgroup']);

type OpenOption = { attributes: ReadonlyMap<string, string>; textContent: string; depth: number };

function readOptions(tokens: HtmlToken[]): SelectOption[] | null {
  const open: string[] = [];
  const options: SelectOption[] = [];
  let option: OpenOption | null = null;
  // Depth (in `open`) of the optgroup or foreign root being read, or -1 outside one.
  let optgroupDepth = -1;
  let foreignDepth = -1;
  for (const token of tokens) {
    if (token.kind === 'text') {
      if (option !== null) option.textContent += token.text;
    } else if (token.kind === 'end') {
      if (open.pop() !== token.name) return null;
      if (option !== null && open.length === option.depth) {
        options.push(toSelectOption(option));
        option = null;
      }
      if (open.length === optgroupDepth) optgroupDepth = -1;
      if (open.length === foreignDepth) foreignDepth = -1;
    } else {
      const { name } = token;
      const lower = name.toLowerCase();
      if (DECLINED_ELEMENTS.has(lower) || name.includes(':') || (lower !== name && MEANINGFUL_NAMES.has(lower))) return null;
      // In SVG or MathML, `<option>` may be an SVG element or an HTML one put there by script,
      // and a void-named element may have an end tag: the markup does not say which.
      if (foreignDepth !== -1 && (VOID_ELEMENTS.has(name) || name === 'option' || name === 'optgroup')) return null;
      if (VOID_ELEMENTS.has(name)) continue;
      if (name === 'option') {
        if (option !== null) return null;
        option = { attributes: token.attributes, textContent: '', depth: open.length };
      } else if (name === 'optgroup') {
        if (option !== null || optgroupDepth !== -1) return null;
        optgroupDepth = open.length;
      } else if (FOREIGN_ROOTS.has(name) && foreignDepth === -1) {
        foreignDepth = open.length;
      }
      open.push(name);
    }
  }
  return open.length === 0 ? options : null;
}

/** Anything but ASCII whitespace (tab, LF, FF, CR, space): U+00A0 is kept, as browsers do. */
const ASCII_WHITESPACE_RUN = /[\t\n\f\r ]+/g;
const ASCII_WHITESPACE_AT_ENDS = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;

/**
 * The HTML standard's option: `text` is its text content (no script inside, as declined) with
 * ASCII whitespace stripped and collapsed; `value` the value attribute, else `text`; `label` the
 * label attribute even when empty, else `text`. The empty label then falls back as the evaluation does.
 */
function toSelectOption(option: OpenOption): SelectOption {
  const text = option.textContent.replace(ASCII_WHITESPACE_AT_ENDS, '').replace(ASCII_WHITESPACE_RUN, ' ');
  const label = option.attributes.get('label') ?? text;
  return { value: option.attributes.get('value') ?? text, label: label || option.textContent };
}
