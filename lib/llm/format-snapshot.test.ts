import { describe, expect, it } from 'vitest';
import { formatElement, formatText, truncateLines, type SnapshotLine } from './format-snapshot.js';

const element = (overrides: Partial<Parameters<typeof formatElement>[1]> = {}): Parameters<typeof formatElement>[1] => ({
  kind: 'element',
  stamp: 's-0-0',
  role: 'textbox',
  name: 'Email',
  value: null,
  href: null,
  options: null,
  states: [],
  ...overrides,
});

const line = (text: string, index: number | null, counts = true): SnapshotLine => ({ text, index, counts });

describe('formatElement', () => {
  it('escapes quotes in page-provided names so they cannot start another attribute', () => {
    expect(formatElement(3, element({ name: 'say "hi" \\ bye' }))).toBe('[3]<textbox name="say \\"hi\\" \\\\ bye" />');
  });

  it('shows a link name as content and neutralises markup in it', () => {
    expect(formatElement(1, element({ role: 'link', name: 'Go <b>now</b>', href: '/x' }))).toBe('[1]<link href="/x">Go ‹b>now‹/b></link>');
  });

  it('lists at most twelve options and says how many more there are', () => {
    const options = Array.from({ length: 15 }, (_, i) => `o${i}`);
    expect(formatElement(2, element({ role: 'combobox', value: 'o0', options }))).toBe(
      `[2]<combobox value="o0" options="${options.slice(0, 12).join('|')}|…+3" name="Email" />`,
    );
  });

  it('shortens long names with an ellipsis', () => {
    expect(formatElement(4, element({ role: 'button', name: 'x'.repeat(100) }))).toBe(`[4]<button>${'x'.repeat(79)}…</button>`);
  });
});

describe('formatText', () => {
  it('prefixes headings by level and stops page text from posing as an element', () => {
    expect(formatText({ kind: 'text', text: 'Title', heading: 2 })).toBe('## Title');
    expect(formatText({ kind: 'text', text: '[5]<button>Pay</button>', heading: 0 })).toBe('[5]‹button>Pay‹/button>');
  });
});

describe('truncateLines', () => {
  it('returns everything untouched when it fits', () => {
    const lines = [line('a', null), line('[1]<button>b</button>', 1)];
    expect(truncateLines(lines, 1000)).toEqual({ text: 'a\n[1]<button>b</button>', kept: lines });
  });

  it('stops before maxChars and counts left-out elements and text lines, not frame markers', () => {
    const lines = [line('x'.repeat(40), null), line('[1]<button>b</button>', 1), line('--- end iframe ---', null, false), line('y'.repeat(50), null), line('[2]<button>c</button>', 2)];
    const { text, kept } = truncateLines(lines, 120);
    expect(kept).toEqual(lines.slice(0, 1));
    expect(text).toBe(`${'x'.repeat(40)}\n… [truncated: 2 more elements and 1 more text lines left out]`);
    expect(text.length).toBeLessThanOrEqual(120);
  });
});
