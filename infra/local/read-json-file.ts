import { readFileSync } from 'node:fs';
import { errorMessage } from '../../lib/errors.js';
import { locateJsonSyntaxError } from '../../lib/json/locate-json-syntax-error.js';

export type ReadJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

export type ReadText = (file: string) => string;

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
};

/** A file's JSON, or one line naming the file and what is wrong (with the position in it). */
export function readJsonFile(file: string, readText: ReadText = (path) => readFileSync(path, 'utf8')): ReadJsonResult {
  let text: string;
  try {
    text = readText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, error: `${file}: cannot read: ${(code && READ_FAILURES[code]) ?? errorMessage(error)}` };
  }
  // Some editors start UTF-8 files with a byte-order mark, which JSON.parse refuses.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (error) {
    const found = locateJsonSyntaxError(json);
    const where = found ? ` at line ${found.line}, column ${found.column} (position ${found.offset})` : '';
    return { ok: false, error: `${file}: not valid JSON${where}: ${found?.reason ?? errorMessage(error)}` };
  }
}
