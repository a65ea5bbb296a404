import { pythonRepr } from '../../python/python-str.js';
import { pyError } from './expression-errors.js';
import type { MethodName } from './python-ast.js';
import { pythonEquals } from './python-operators.js';
import {
  checkSequenceLength, isDict, isInteger, iteratePython, typeName, type PyDict, type PyValue,
} from './python-values.js';

type Method<T> = (target: T, args: PyValue[]) => PyValue;

// str.isspace() characters; JS \s differs (it has U+FEFF, lacks U+001C-U+001F and U+0085).
const PYTHON_WHITESPACE = new Set([...'\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000'].concat(
  Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
));

const STR_METHODS: Readonly<Partial<Record<MethodName, Method<string>>>> = {
  lower: noArguments('lower', (s) => s.toLowerCase()),
  upper: noArguments('upper', (s) => s.toUpperCase()),
  strip: (s, args) => strip(s, stripChars('strip', args), true, true),
  lstrip: (s, args) => strip(s, stripChars('lstrip', args), true, false),
  rstrip: (s, args) => strip(s, stripChars('rstrip', args), false, true),
  startswith: (s, args) => affixes('startswith', args).some((prefix) => s.startsWith(prefix)),
  endswith: (s, args) => affixes('endswith', args).some((suffix) => s.endsWith(suffix)),
  split: (s, args) => {
    arity('split', args, 0, 2);
    const [separator = null, limit = -1] = args;
    if (!isInteger(limit)) throw pyError('TypeError', `'${typeName(limit)}' object cannot be interpreted as an integer`);
    if (separator === null) return splitWhitespace(s, Number(limit));
    const sep = text('split', separator);
    if (sep === '') throw pyError('ValueError', 'empty separator');
    const parts = s.split(sep);
    return Number(limit) < 0 || parts.length - 1 <= Number(limit) ? parts : [...parts.slice(0, Number(limit)), parts.slice(Number(limit)).join(sep)];
  },
  replace: (s, args) => {
    arity('replace', args, 2, 3);
    const old = text('replace', args[0] as PyValue);
    const replacement = text('replace', args[1] as PyValue);
    const countArg = args[2] ?? -1;
    if (!isInteger(countArg)) throw pyError('TypeError', `'${typeName(countArg)}' object cannot be interpreted as an integer`);
    // Python inserts around every code point for an empty `old`; split on '' gives us code units, so use Array.from.
    const pieces = old === '' ? ['', ...Array.from(s), ''] : s.split(old);
    const count = Number(countArg) < 0 ? pieces.length - 1 : Math.min(Number(countArg), pieces.length - 1);
    const glue = old === '' ? '' : old;
    checkSequenceLength(s.length + count * replacement.length);
    return pieces.slice(0, count + 1).join(replacement) + (count + 1 < pieces.length ? glue + pieces.slice(count + 1).join(glue) : '');
  },
  join: (s, args) => {
    arity('join', args, 1, 1);
    const items = iteratePython(args[0] as PyValue).map((item, i) => {
      if (typeof item !== 'string') throw pyError('TypeError', `sequence item ${i}: expected str instance, ${typeName(item)} found`);
      return item;
    });
    checkSequenceLength(items.reduce((total, item) => total + item.length, 0) + s.length * Math.max(0, items.length - 1));
    return items.join(s);
  },
  count: (s, args) => {
    arity('count', args, 1, 1);
    const sub = text('count', args[0] as PyValue);
    return sub === '' ? Array.from(s).length + 1 : s.split(sub).length - 1;
  },
  find: (s, args) => {
    arity('find', args, 1, 1);
    const at = s.indexOf(text('find', args[0] as PyValue));
    return at < 0 ? -1 : Array.from(s.slice(0, at)).length;
  },
  isdigit: noArguments('isdigit', (s) => /^\p{Nd}+$/u.test(s)),
};

const LIST_METHODS: Readonly<Partial<Record<MethodName, Method<PyValue[]>>>> = {
  count: (list, args) => {
    arity('count', args, 1, 1);
    return list.filter((item) => pythonEquals(item, args[0] as PyValue)).length;
  },
  index: (list, args) => {
    arity('index', args, 1, 1);
    const at = list.findIndex((item) => pythonEquals(item, args[0] as PyValue));
    if (at < 0) throw pyError('ValueError', `${pythonRepr(args[0])} is not in list`);
    return at;
  },
};

const DICT_METHODS: Readonly<Partial<Record<MethodName, Method<PyDict>>>> = {
  get: (dict, args) => {
    arity('get', args, 1, 2);
    const key = args[0] as PyValue;
    if (Array.isArray(key) || isDict(key)) throw pyError('TypeError', `unhashable type: '${typeName(key)}'`);
    return typeof key === 'string' && Object.hasOwn(dict, key) ? (dict[key] as PyValue) : (args[1] ?? null);
  },
  keys: noArguments('keys', (dict) => Object.keys(dict)),
  values: noArguments('values', (dict) => Object.values(dict)),
  items: noArguments('items', (dict) => Object.entries(dict).map(([key, value]) => [key, value])),
};

/** `target.method(*args)`, dispatched on the runtime type; a method of another type is an AttributeError. */
export function callMethod(target: PyValue, method: MethodName, args: PyValue[]): PyValue {
  if (typeof target === 'string') return dispatch(STR_METHODS, target, method, args);
  if (Array.isArray(target)) return dispatch(LIST_METHODS, target, method, args);
  if (isDict(target)) return dispatch(DICT_METHODS, target, method, args);
  throw pyError('AttributeError', `'${typeName(target)}' object has no attribute '${method}'`);
}

function dispatch<T extends PyValue>(table: Readonly<Partial<Record<MethodName, Method<T>>>>, target: T, method: MethodName, args: PyValue[]): PyValue {
  // Own entries only, so nothing on Object.prototype can ever be dispatched to.
  const implementation = Object.hasOwn(table, method) ? table[method] : undefined;
  if (implementation === undefined) throw pyError('AttributeError', `'${typeName(target)}' object has no attribute '${method}'`);
  return implementation(target, args);
}

function noArguments<T>(method: string, body: (target: T) => PyValue): Method<T> {
  return (target, args) => {
    arity(method, args, 0, 0);
    return body(target);
  };
}

function arity(method: string, args: PyValue[], min: number, max: number): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min === 0 ? 'no' : `exactly ${min}`} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
  throw pyError('TypeError', `${method}() takes ${expected} (${args.length} given)`);
}

function text(method: string, value: PyValue): string {
  if (typeof value !== 'string') throw pyError('TypeError', `${method}() argument must be str, not ${typeName(value)}`);
  return value;
}

function stripChars(method: string, args: PyValue[]): Set<string> {
  arity(method, args, 0, 1);
  const chars = args[0] ?? null;
  if (chars === null) return PYTHON_WHITESPACE;
  if (typeof chars !== 'string') throw pyError('TypeError', `${method} arg must be None or str`);
  return new Set(chars);
}

function strip(s: string, chars: Set<string>, left: boolean, right: boolean): string {
  const points = Array.from(s);
  let start = 0;
  let end = points.length;
  while (left && start < end && chars.has(points[start] as string)) start += 1;
  while (right && end > start && chars.has(points[end - 1] as string)) end -= 1;
  return points.slice(start, end).join('');
}

/** `startswith`/`endswith` take a str or a tuple of str (a tuple evaluates to a list here). */
function affixes(method: string, args: PyValue[]): string[] {
  arity(method, args, 1, 1);
  const arg = args[0] as PyValue;
  if (typeof arg === 'string') return [arg];
  if (Array.isArray(arg) && arg.every((item) => typeof item === 'string')) return arg as string[];
  throw pyError('TypeError', `${method} first arg must be str or a tuple of str, not ${typeName(arg)}`);
}

/** `str.split()` without a separator: runs of whitespace, no empty strings; the rest keeps its trailing space. */
function splitWhitespace(s: string, limit: number): string[] {
  const points = Array.from(s);
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    while (i < points.length && PYTHON_WHITESPACE.has(points[i] as string)) i += 1;
    if (i >= points.length) return parts;
    if (limit >= 0 && parts.length === limit) return [...parts, points.slice(i).join('')];
    const start = i;
    while (i < points.length && !PYTHON_WHITESPACE.has(points[i] as string)) i += 1;
    parts.push(points.slice(start, i).join(''));
  }
}
