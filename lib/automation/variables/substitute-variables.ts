import { pythonJsonDumps } from '../../python/python-json.js';
import { pythonStr } from '../../python/python-str.js';

/** The values `{name[i]}` placeholders are filled from, in the order the original applies them. */
export type VariableSources = {
  /** task input_parameters */
  input: Readonly<Record<string, readonly unknown[]>>;
  /** secure_parameters, already resolved to their strings (TOTP codes included) */
  secure: Readonly<Record<string, readonly string[]>>;
  /** generated variables: usually lists; api_call results are dicts */
  generated: Readonly<Record<string, unknown>>;
};

/**
 * Text split into the parts still open to substitution and the parts that came from a value.
 * A value is data: it is never scanned again, and neither is a seam between a value and the text
 * around it. The original re-scans (it calls `str.replace` key after key on the whole field), so an
 * input value `{password[0]}` would pull a secret into text typed on a page; here it stays
 * literal. Which source fills a placeholder is unchanged: input, then secure, then generated, each
 * key in insertion order, each index in order, so the first non-None value wins as in the original.
 */
type Segment = { text: string; open: boolean };

/** Spec 2.3: `{key[i]}` for every list value, then `{var.path}` for dict-valued generated variables. */
export function substituteVariables(text: string, sources: VariableSources): string {
  let segments: Segment[] = [{ text, open: true }];
  for (const source of [sources.input, sources.secure, sources.generated]) {
    // Object.entries yields own enumerable keys only, so `__proto__`/`constructor` never come from a prototype.
    for (const [key, values] of Object.entries(source)) {
      if (!Array.isArray(values)) continue; // api_call dicts are for the {var.path} resolver below
      if (!segments.some((segment) => segment.open && segment.text.includes(`{${key}[`))) continue;
      values.forEach((value: unknown, index) => {
        // None (a failed extraction) cannot be written into text; the original skips it.
        if (value === null || value === undefined) return;
        segments = replaceInOpenSegments(segments, `{${key}[${index}]}`, pythonStr(value));
      });
    }
  }
  return segments.map((segment) => (segment.open ? resolvePathPlaceholders(segment.text, sources.generated) : segment.text)).join('');
}

/** Plain substring replace-all (no `$&` patterns), leaving the inserted value closed. */
function replaceInOpenSegments(segments: Segment[], pattern: string, value: string): Segment[] {
  return segments.flatMap((segment) => {
    if (!segment.open || !segment.text.includes(pattern)) return [segment];
    return segment.text.split(pattern).flatMap((piece, i): Segment[] => (i === 0 ? [{ text: piece, open: true }] : [{ text: value, open: false }, { text: piece, open: true }]));
  });
}

// The original's `\{(\w+)(\.\w+(?:\.\w+|\[\d+\])*)\}`; Python's `\w` is Unicode-aware.
const PATH_PLACEHOLDER = /\{([\p{L}\p{N}_]+)(\.[\p{L}\p{N}_]+(?:\.[\p{L}\p{N}_]+|\[\d+\])*)\}/gu;
const PATH_SEGMENT = /\.([\p{L}\p{N}_]+)|\[(\d+)\]/gu;

/** `{api_result.data[0].name}`: dicts and lists as Python's json.dumps, scalars as str(); unresolved stays. */
function resolvePathPlaceholders(text: string, generated: Readonly<Record<string, unknown>>): string {
  return text.replace(PATH_PLACEHOLDER, (match: string, name: string, path: string) => {
    if (!Object.hasOwn(generated, name)) return match;
    let current: unknown = generated[name];
    if (!isDict(current)) return match;
    for (const [, key, index] of path.matchAll(PATH_SEGMENT)) {
      if (key !== undefined && isDict(current) && Object.hasOwn(current, key)) current = current[key];
      else if (index !== undefined && Array.isArray(current) && Number(index) < current.length) current = current[Number(index)];
      else return match;
    }
    // A path that leads to None is "missing" in the original too (its resolver returns None for both).
    if (current === null || current === undefined) return match;
    return typeof current === 'object' ? pythonJsonDumps(current) : pythonStr(current);
  });
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when the original's `replace` would be called at least once, i.e. some list value is not
 * None. It strips `"` from commands, URLs and typed text only then. (A `{var.path}` that resolves
 * also triggers that strip in the original; that case depends on the text, not on the sources.)
 */
export function hasAnyVariable(sources: VariableSources): boolean {
  return [sources.input, sources.secure, sources.generated].some((source) =>
    Object.values(source).some((values) => Array.isArray(values) && values.some((value: unknown) => value !== null && value !== undefined)),
  );
}

/** Python `text.strip('"')`: every leading and trailing double quote goes. */
export function stripDoubleQuotes(text: string): string {
  return text.replace(/^"+|"+$/g, '');
}
