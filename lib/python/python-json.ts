import { formatPythonNumber } from './python-str.js';

export type PythonJsonOptions = { sortKeys?: boolean };

/**
 * Python's `json.dumps(value)` with its defaults: `", "` and `": "` separators, keys in insertion
 * order (or sorted, as `sort_keys=True`), non-ASCII escaped (`ensure_ascii=True`), NaN/Infinity
 * written bare. The `{var.path}` resolver and the dedup key use this form, so the text matches
 * the original byte for byte.
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}, seen: Set<object> = new Set()): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatJsonNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return asciiJsonString(value);
  if (typeof value !== 'object') throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  if (seen.has(value)) throw new TypeError('Circular reference detected');
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => pythonJsonDumps(item, options, seen)).join(', ')}]`;
    const pairs = Object.entries(value);
    if (options.sortKeys) pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const entries = pairs.map(([key, item]) => `${asciiJsonString(key)}: ${pythonJsonDumps(item, options, seen)}`);
    return `{${entries.join(', ')}}`;
  } finally {
    seen.delete(value);
  }
}

function formatJsonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return formatPythonNumber(value);
}

// Python escapes everything outside printable ASCII (space..~), one UTF-16 unit at a time.
function asciiJsonString(text: string): string {
  return JSON.stringify(text).replace(/[^ -~]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
