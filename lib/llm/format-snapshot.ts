import type { FrameItem } from './collect-frame-items.js';

/** A line of the snapshot before truncation; `index` is set for elements the model may pick. */
export type SnapshotLine = { text: string; index: number | null; counts: boolean };

const MAX_NAME_CHARS = 80;
const MAX_TEXT_CHARS = 200;
const MAX_OPTIONS = 12;

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
// Names are page-provided; quotes are escaped so one attribute cannot pose as another.
const quote = (text: string, max = MAX_NAME_CHARS) => `"${shorten(text, max).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** `[3]<checkbox name="Remember me" checked />`, `[4]<link href="/help">Help</link>`. */
export function formatElement(index: number, item: Extract<FrameItem, { kind: 'element' }>): string {
  const attributes: string[] = [];
  if (item.value !== null) attributes.push(`value=${quote(item.value)}`);
  if (item.options) {
    const shown = item.options.slice(0, MAX_OPTIONS).map((o) => shorten(o, 40).replace(/[|"]/g, ' '));
    const more = item.options.length > MAX_OPTIONS ? `|…+${item.options.length - MAX_OPTIONS}` : '';
    attributes.push(`options="${shown.join('|')}${more}"`);
  }
  if (item.href !== null) attributes.push(`href=${quote(item.href, 120)}`);
  attributes.push(...item.states);
  const head = `[${index}]<${item.role}${attributes.map((a) => ` ${a}`).join('')}`;
  // Links and buttons read naturally with their name as content; fields carry it as an attribute.
  if (item.role === 'link' || item.role === 'button' || item.role === 'generic' || item.role === 'tab' || item.role.startsWith('menuitem')) {
    return `${head}>${shorten(item.name, MAX_NAME_CHARS).replace(/</g, '‹')}</${item.role}>`;
  }
  return `${head}${item.name ? ` name=${quote(item.name)}` : ''} />`;
}

/**
 * Page text is shown as is, except `<`: otherwise a page could print `[5]<button>Pay</button>`
 * and pose as an element the model may pick.
 */
export function formatText(item: Extract<FrameItem, { kind: 'text' }>): string {
  const text = shorten(item.text, MAX_TEXT_CHARS).replace(/</g, '‹');
  return item.heading > 0 ? `${'#'.repeat(item.heading)} ${text}` : text;
}

/**
 * Keeps whole lines until the next would pass maxChars, reserving room for the marker, and
 * names how many elements and text lines were left out so the model knows the view is partial.
 * Frame markers do not count as left-out content.
 */
export function truncateLines(lines: SnapshotLine[], maxChars: number): { text: string; kept: SnapshotLine[] } {
  const full = lines.map((l) => l.text).join('\n');
  if (full.length <= maxChars) return { text: full, kept: lines };
  const marker = (elements: number, texts: number) => `… [truncated: ${elements} more elements and ${texts} more text lines left out]`;
  const reserve = marker(lines.length, lines.length).length + 1;
  const kept: SnapshotLine[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = line.text.length + (kept.length > 0 ? 1 : 0);
    if (used + cost + reserve > maxChars) break;
    kept.push(line);
    used += cost;
  }
  const rest = lines.slice(kept.length).filter((l) => l.counts);
  const elements = rest.filter((l) => l.index !== null).length;
  const text = [...kept.map((l) => l.text), marker(elements, rest.length - elements)].join('\n');
  return { text, kept };
}
