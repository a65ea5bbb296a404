import { resolve, sep } from 'node:path';

/**
 * Names that come from uploads and URLs become paths on disk. These checks keep every one of
 * them below its folder: no separators where one name is expected, no `..`, no absolute paths,
 * no NUL or other control characters. Each answers the problem as text, or null when safe.
 */

const MAX_NAME_LENGTH = 255;
const MAX_PATH_LENGTH = 1024;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A single file name (`report.csv`). */
export function fileNameProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.includes('\u0000')) return 'contains a NUL character';
  if (CONTROL_CHARACTERS.test(name)) return 'contains a control character';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  if (name === '.' || name === '..') return 'is not a file name';
  return null;
}

/**
 * A relative path made of safe names (`sub/report.csv`). `.` and empty segments are dropped,
 * as tar readers do; what remains is answered joined with `/`.
 */
export function relativePathOf(path: string): { path: string } | { problem: string } {
  if (path.includes('\u0000')) return { problem: 'contains a NUL character' };
  if (path.length > MAX_PATH_LENGTH) return { problem: `is longer than ${MAX_PATH_LENGTH} characters` };
  if (path.includes('\\')) return { problem: 'contains a backslash' };
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return { problem: 'is an absolute path' };
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { problem: 'contains ".."' };
  if (segments.length === 0) return { problem: 'is empty' };
  for (const segment of segments) {
    const problem = fileNameProblem(segment);
    if (problem) return { problem };
  }
  return { path: segments.join('/') };
}

/** `root/relative`, or undefined when the result would leave `root` (a last line of defence). */
export function pathInside(root: string, relative: string): string | undefined {
  const base = resolve(root);
  const target = resolve(base, relative);
  return target.startsWith(base + sep) ? target : undefined;
}

/** A name quoted for a message, cut short so a long hostile name cannot flood a response. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
}
