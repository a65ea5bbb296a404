import type { CorpusRow } from './corpus-outcome.js';

export const TABLE_START = '<!-- corpus-table:start -->';
export const TABLE_END = '<!-- corpus-table:end -->';

const HEADER = ['| file | outcome | reason |', '|---|---|---|'];

// A `|` would end the cell and a `<` could open an HTML tag; both are written so the cell
// shows the text as it is, and `readCorpusTable` turns them back.
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

function unescapeCell(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/\\\|/g, '|');
}

/** The generated part of docs/compatibility.md: the table and a one-line count. */
export function renderCorpusTable(rows: CorpusRow[]): string {
  const lines = rows.map((row) => `| \`${row.file}\` | ${row.outcome} | ${escapeCell(row.reason)} |`);
  const accepted = rows.filter((row) => row.outcome === 'accepted').length;
  return [...HEADER, ...lines, '', `${accepted} of ${rows.length} recordings accepted.`].join('\n');
}

/** The document with everything between the markers replaced; the prose around stays. */
export function replaceCorpusTable(document: string, table: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`the document needs the lines ${TABLE_START} and ${TABLE_END}, in that order`);
  return `${document.slice(0, start + TABLE_START.length)}\n${table}\n${document.slice(end)}`;
}

/** The rows of the table between the markers, cells unescaped and taken as written. */
export function readCorpusTable(document: string): Array<Record<keyof CorpusRow, string>> {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start === -1 || end < start) return [];
  return document
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
      const [file = '', outcome = '', reason = ''] = cells;
      return { file: file.replace(/^`|`$/g, ''), outcome, reason: unescapeCell(reason) };
    });
}
