import { pyError } from './expression-errors.js';

/**
 * The values an expression computes with: JSON-shaped data only, never functions or objects with
 * behaviour. int and float are both `number`; an integer-valued number behaves as a Python int
 * (so `7 // 2 == 3` and `str(2.0)` prints `2`: a JSON round trip has already lost the difference).
 * Tuples evaluate to arrays, and `keys()`/`values()`/`items()` return lists, not views.
 */
export type PyValue = null | boolean | number | string | PyValue[] | { [key: string]: PyValue };
export type PyDict = { [key: string]: PyValue };

/** Strings, lists and repeated sequences are capped so `'a' * 10**9`-style input cannot exhaust memory. */
export const MAX_SEQUENCE_LENGTH = 1_000_000;

export function isDict(value: PyValue): value is PyDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNumeric(value: PyValue): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

export function isInteger(value: PyValue): value is number | boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value));
}

/** The Python type name used in error messages. */
export function typeName(value: PyValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/** Python truthiness: `"" [] {} 0 None False` are falsy; `"false"` and NaN are truthy. */
export function isPythonTruthy(value: PyValue): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

/** What `for item in value` yields: code points of a str, items of a list, keys of a dict. */
export function iteratePython(value: PyValue): PyValue[] {
  if (typeof value === 'string') return Array.from(value);
  if (Array.isArray(value)) return [...value];
  if (isDict(value)) return Object.keys(value);
  throw pyError('TypeError', `'${typeName(value)}' object is not iterable`);
}

/** Python `len()` counts code points; JS `length` counts UTF-16 units. */
export function pythonLength(value: PyValue): number {
  if (typeof value === 'string') {
    let count = 0;
    for (const _ of value) count += 1;
    return count;
  }
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return Object.keys(value).length;
  throw pyError('TypeError', `object of type '${typeName(value)}' has no len()`);
}

export function checkSequenceLength(length: number): void {
  if (length > MAX_SEQUENCE_LENGTH) {
    throw pyError('MemoryError', `result would have ${length} items; the limit is ${MAX_SEQUENCE_LENGTH}`);
  }
}

/**
 * Converts runtime data (task input, generated variables) into a PyValue: `undefined` becomes
 * None, and only own enumerable keys of objects are kept. Functions, symbols and bigints are not data.
 */
export function toPyValue(value: unknown): PyValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(toPyValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPyValue(item)]));
  throw new TypeError(`a ${typeof value} is not expression data`);
}
