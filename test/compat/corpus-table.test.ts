import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingRequirements } from '../../lib/automation/recording-requirements.js';
import { validateRecording } from '../../lib/automation/validate-recording.js';
import { COMPATIBILITY_DOC, CORPUS_DIR, describeNeeds, describeRefusal, listCorpusFiles } from '../../infra/local/corpus-outcome.js';
import { readCorpusTable } from '../../infra/local/corpus-table-markdown.js';

/** How many corpus recordings the worker is meant to accept. */
const ACCEPTED_AT_LEAST = 30;

const files = listCorpusFiles();
const table = readCorpusTable(readFileSync(COMPATIBILITY_DOC, 'utf8'));
const verdicts = files.map((file) => ({ file, result: validateRecording(JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8'))) }));

describe('docs/compatibility.md (regenerate with npm run compat:table)', () => {
  it('holds the whole corpus', () => {
    expect(files).toHaveLength(34);
  });

  it.each(verdicts)('states the verdict on $file', ({ file, result }) => {
    const expected = result.ok
      ? { file, outcome: 'accepted', reason: describeNeeds(recordingRequirements(result.automation)) }
      : { file, outcome: 'refused', reason: describeRefusal(result.problems) };
    expect(table.filter((row) => row.file === file)).toEqual([expected]);
  });

  it('has no row for a file that is not in the corpus', () => {
    expect(table.map((row) => row.file).filter((file) => !files.includes(file))).toEqual([]);
  });

  it(`accepts at least ${ACCEPTED_AT_LEAST} of the corpus recordings`, () => {
    const refused = verdicts.filter(({ result }) => !result.ok).map(({ file }) => file);
    expect(files.length - refused.length, `refused: ${refused.join(', ')}`).toBeGreaterThanOrEqual(ACCEPTED_AT_LEAST);
  });
});
