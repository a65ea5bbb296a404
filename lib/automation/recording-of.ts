/**
 * A recording arrives either as the Automation itself or wrapped as `{"automation": {...}}`
 * (the AUTOMATIONS_DIR file format). An Automation always has `nodes`, so a body with `nodes`
 * is taken as it is even if it also happens to carry an `automation` key.
 */
export function recordingOf(value: unknown): unknown {
  if (!isPlainObject(value) || 'nodes' in value) return value;
  const inner = value['automation'];
  return isPlainObject(inner) ? inner : value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
