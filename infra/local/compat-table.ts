import { readFileSync, writeFileSync } from 'node:fs';
import { COMPATIBILITY_DOC, listCorpusFiles, readCorpusRow } from './corpus-outcome.js';
import { renderCorpusTable, replaceCorpusTable } from './corpus-table-markdown.js';

/**
 * `npm run compat:table`: checks every corpus recording and rewrites the table between the
 * markers of docs/compatibility.md; test/compat/corpus-table.test.ts fails when it is stale.
 */
const rows = listCorpusFiles().map((file) => readCorpusRow(file));
writeFileSync(COMPATIBILITY_DOC, replaceCorpusTable(readFileSync(COMPATIBILITY_DOC, 'utf8'), renderCorpusTable(rows)));
const accepted = rows.filter((row) => row.outcome === 'accepted').length;
process.stdout.write(`docs/compatibility.md: ${accepted} of ${rows.length} corpus recordings accepted\n`);
