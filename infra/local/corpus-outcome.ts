import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '../../lib/automation/format-problem.js';
import { recordingRequirements } from '../../lib/automation/recording-requirements.js';
import { validateRecording } from '../../lib/automation/validate-recording.js';
import type { Problem } from '../../lib/errors.js';

/** One row of the compatibility table: a corpus file and what the worker makes of it. */
export type CorpusRow = { file: string; outcome: 'accepted' | 'refused'; reason: string };

// Resolved from this source file: the table script runs with tsx and the test with vitest,
// both from the sources, never from a bundle.
export const CORPUS_DIR = fileURLToPath(new URL('../../test/compat/optexity-corpus/', import.meta.url));
export const COMPATIBILITY_DOC = fileURLToPath(new URL('../../docs/compatibility.md', import.meta.url));

export const RUNS_AS_RECORDED = 'runs as recorded';

/** The corpus recordings, by file name. */
export function listCorpusFiles(directory: string = CORPUS_DIR): string[] {
  return readdirSync(directory).filter((name) => name.endsWith('.json')).sort();
}

/** Every problem of a refused recording, `path: message` joined by `; `. */
export function describeRefusal(problems: Problem[]): string {
  return problems.map(formatProblem).join('; ');
}

/**
 * What an accepted recording needs when it runs, as `needs: PATHS WHAT; ...`: steps with the
 * same need are listed together, in the order they first appear.
 */
export function describeNeeds(requirements: { path: string; needs: string }[]): string {
  if (requirements.length === 0) return RUNS_AS_RECORDED;
  const pathsByNeed = new Map<string, string[]>();
  for (const { path, needs } of requirements) {
    const paths = pathsByNeed.get(needs) ?? [];
    if (!paths.includes(path)) paths.push(path);
    pathsByNeed.set(needs, paths);
  }
  return `needs: ${[...pathsByNeed].map(([needs, paths]) => `${paths.join(', ')} ${needs}`).join('; ')}`;
}

/** The worker's verdict on one recording, as the table states it. */
export function corpusOutcome(raw: unknown): Omit<CorpusRow, 'file'> {
  const result = validateRecording(raw);
  if (!result.ok) return { outcome: 'refused', reason: describeRefusal(result.problems) };
  return { outcome: 'accepted', reason: describeNeeds(recordingRequirements(result.automation)) };
}

export function readCorpusRow(file: string, directory: string = CORPUS_DIR): CorpusRow {
  const raw: unknown = JSON.parse(readFileSync(join(directory, file), 'utf8'));
  return { file, ...corpusOutcome(raw) };
}
