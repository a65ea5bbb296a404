/**
 * Names and paths a recording (or a variable filled into it) gives to files. A recording may
 * name a file; it may never choose where the file goes. Web servers' suggested names are
 * cleaned instead (downloads.ts safeFileName): they are not the recording's fault.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** `{name[0]}` / `{var.path}`: filled at run time, checked again then. */
const PLACEHOLDER = /\{[^{}]*\}/g;

/** Why `name` cannot be a file name inside a folder, or null when it can. */
export function fileNameProblem(name: string): string | null {
  const fixed = name.replace(PLACEHOLDER, '');
  if (name.includes('\u0000')) return 'contains a NUL byte';
  if (CONTROL.test(fixed)) return 'contains a control character';
  if (fixed.includes('/')) return 'contains "/": a file name cannot name a folder';
  if (fixed.includes('\\')) return 'contains "\\": a file name cannot name a folder';
  if (name === '.' || name === '..') return `is "${name}"`;
  return null;
}

/**
 * Why `path` cannot be an upload path, or null. Absolute paths and subfolders are fine here; the
 * step checks, after resolving symlinks, that the file is inside UPLOAD_FILES_DIR.
 */
export function uploadPathProblem(path: string): string | null {
  if (path.includes('\u0000')) return 'contains a NUL byte';
  if (CONTROL.test(path.replace(PLACEHOLDER, ''))) return 'contains a control character';
  if (path.replace(PLACEHOLDER, '').includes('\\')) return 'contains "\\": use "/" between folders';
  if (path.split('/').includes('..')) return 'contains a ".." segment';
  return null;
}

/** For names filled in at run time: the step fails naming the field and the reason. */
export function requireFileName(name: string, field: string): string {
  const problem = fileNameProblem(name);
  if (problem !== null) throw new Error(`${field} ${JSON.stringify(name)} ${problem}`);
  return name;
}
