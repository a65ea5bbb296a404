import { formatProblem } from '../../lib/automation/format-problem.js';
import type { Problem } from '../../lib/errors.js';

/** The verdict on one recording file. */
export type FileVerdict = { file: string; ok: boolean; problems: Problem[] };

/** `ok FILE`, or `refused FILE` and one indented `PATH: MESSAGE` line per problem. */
export function formatVerdictAsText(verdict: FileVerdict): string {
  const lines = [`${verdict.ok ? 'ok' : 'refused'} ${verdict.file}`, ...verdict.problems.map((problem) => `  ${formatProblem(problem)}`)];
  return lines.map((line) => `${line}\n`).join('');
}

/** The same verdicts for programs: `[{file, ok, problems: [{path, message}]}]`. */
export function formatVerdictsAsJson(verdicts: FileVerdict[]): string {
  const plain = verdicts.map(({ file, ok, problems }) => ({ file, ok, problems: problems.map(({ path, message }) => ({ path, message })) }));
  return `${JSON.stringify(plain, null, 2)}\n`;
}
