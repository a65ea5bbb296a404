import { formatProblem } from '../../lib/automation/format-problem.js';
import type { Requirement } from '../../lib/automation/recording-requirements.js';
import type { Problem } from '../../lib/errors.js';

/** The verdict on one recording file, and what an accepted one needs when it runs. */
export type FileVerdict = { file: string; ok: boolean; problems: Problem[]; needs: Requirement[] };

/** `ok FILE` (with a `needs:` line per step that needs something), or `refused FILE` and one `PATH: MESSAGE` line per problem. */
export function formatVerdictAsText(verdict: FileVerdict): string {
  const lines = [
    `${verdict.ok ? 'ok' : 'refused'} ${verdict.file}`,
    ...verdict.problems.map((problem) => `  ${formatProblem(problem)}`),
    ...verdict.needs.map((need) => `  needs: ${need.path}: ${need.needs}`),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** The same verdicts for programs: `[{file, ok, problems: [{path, message}], needs: [{path, needs}]}]`. */
export function formatVerdictsAsJson(verdicts: FileVerdict[]): string {
  const plain = verdicts.map(({ file, ok, problems, needs }) => ({ file, ok, problems: problems.map(({ path, message }) => ({ path, message })), needs }));
  return `${JSON.stringify(plain, null, 2)}\n`;
}
