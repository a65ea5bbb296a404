/**
 * Format keys come from recordings and often hold spaces ("Member ID"), which Anthropic refuses
 * in schema property names. They are sent with `_._` for each space and turned back in the
 * answer, as the original does.
 */
const SPACE = '_._';

export function sanitizeSchemaKeys<T>(value: T): T {
  return mapKeys(value, (key) => key.replaceAll(' ', SPACE), true) as T;
}

export function restoreKeys(value: unknown): unknown {
  return mapKeys(value, (key) => key.replaceAll(SPACE, ' '));
}

/** In a JSON Schema (`schema`), the names listed under `required` are renamed with the keys. */
function mapKeys(value: unknown, rename: (key: string) => string, schema = false): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename, schema));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const mapped = schema && key === 'required' && Array.isArray(item) ? item.map((name) => (typeof name === 'string' ? rename(name) : name)) : mapKeys(item, rename, schema);
    // defineProperty, not assignment: a key named `__proto__` stays a plain key.
    Object.defineProperty(out, rename(key), { value: mapped, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
