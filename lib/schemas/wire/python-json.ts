/**
 * `json.dumps(value, sort_keys=True)` as Python writes it (", " and ": " separators, non-ASCII
 * escaped), so dedup keys computed here equal the original's for the same parameters.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // After JSON.parse, 1.0 and 1 are the same number: both print as Python prints an int.
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return asciiJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .map((key) => `${asciiJsonString(key)}: ${pythonJsonDumps((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(', ')}}`;
}

function asciiJsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
