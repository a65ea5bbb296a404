import type { Problem } from '../errors.js';

/**
 * `path: message` on one line, as people read it: the empty path is the whole recording, and
 * line breaks inside a message (a suggested code step) are written `\n` so that every problem
 * stays one line of CLI output or one table cell.
 */
export function formatProblem(problem: Problem): string {
  const path = problem.path === '' ? '(automation)' : problem.path;
  return `${path}: ${problem.message.replace(/\r?\n/g, '\\n')}`;
}
