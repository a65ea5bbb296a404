import { pythonRepr, pythonStr } from '../../python/python-str.js';
import { pyError } from './expression-errors.js';
import type { BuiltinFunction } from './python-ast.js';
import { add, pythonOrder } from './python-operators.js';
import {
  isInteger, isNumeric, isPythonTruthy, iteratePython, pythonLength, typeName, type PyValue,
} from './python-values.js';

type Builtin = (args: PyValue[], keywords: ReadonlyMap<string, PyValue>) => PyValue;

/** The whitelisted builtins (see BUILTIN_FUNCTIONS); each checks its arguments as Python does. */
const BUILTINS: Readonly<Record<BuiltinFunction, Builtin>> = {
  len: (args) => pythonLength(exactlyOne('len', args)),
  str: (args) => (atMost('str', args, 1) === 0 ? '' : pythonStr(args[0])),
  int: (args) => (atMost('int', args, 1) === 0 ? 0 : toInt(args[0] as PyValue)),
  float: (args) => (atMost('float', args, 1) === 0 ? 0 : toFloat(args[0] as PyValue)),
  bool: (args) => (atMost('bool', args, 1) === 0 ? false : isPythonTruthy(args[0] as PyValue)),
  abs: (args) => {
    const value = exactlyOne('abs', args);
    if (!isNumeric(value)) throw pyError('TypeError', `bad operand type for abs(): '${typeName(value)}'`);
    return Math.abs(Number(value));
  },
  min: (args) => extreme('min', args),
  max: (args) => extreme('max', args),
  round: (args) => {
    if (args.length === 0 || args.length > 2) throw pyError('TypeError', `round() takes 1 or 2 arguments (${args.length} given)`);
    return pythonRound(args[0] as PyValue, args[1] ?? null);
  },
  sum: (args) => {
    if (args.length === 0 || args.length > 2) throw pyError('TypeError', `sum() takes 1 or 2 arguments (${args.length} given)`);
    const start = args[1] ?? 0;
    if (typeof start === 'string') throw pyError('TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
    return iteratePython(args[0] as PyValue).reduce<PyValue>((total, item) => add(total, item), start);
  },
  any: (args) => iteratePython(exactlyOne('any', args)).some(isPythonTruthy),
  all: (args) => iteratePython(exactlyOne('all', args)).every(isPythonTruthy),
  sorted: (args, keywords) => {
    if (args.length !== 1) throw pyError('TypeError', `sorted expected 1 argument, got ${args.length}`);
    const reverse = isPythonTruthy(keywords.get('reverse') ?? false);
    // Array.prototype.sort is stable, and flipping the comparison keeps equal items in input order, as Python's reverse=True does.
    const before = (a: PyValue, b: PyValue) => (pythonOrder('<', a, b) ? -1 : pythonOrder('<', b, a) ? 1 : 0);
    return iteratePython(args[0] as PyValue).sort((a, b) => (reverse ? before(b, a) : before(a, b)));
  },
};

export function callBuiltin(name: BuiltinFunction, args: PyValue[], keywords: ReadonlyMap<string, PyValue>): PyValue {
  // The parser only lets whitelisted names through; the own-key check also guards a hand-built tree.
  if (!Object.hasOwn(BUILTINS, name)) throw pyError('NameError', `name '${String(name)}' is not defined`);
  return BUILTINS[name](args, keywords);
}

function exactlyOne(name: string, args: PyValue[]): PyValue {
  if (args.length !== 1) throw pyError('TypeError', `${name}() takes exactly one argument (${args.length} given)`);
  return args[0] as PyValue;
}

function atMost(name: string, args: PyValue[], limit: number): number {
  if (args.length > limit) throw pyError('TypeError', `${name}() takes at most ${limit} argument (${args.length} given)`);
  return args.length;
}

/** `min`/`max` of one iterable or of several arguments; the first of equal extremes wins. */
function extreme(name: 'min' | 'max', args: PyValue[]): PyValue {
  if (args.length === 0) throw pyError('TypeError', `${name} expected at least 1 argument, got 0`);
  const items = args.length === 1 ? iteratePython(args[0] as PyValue) : args;
  if (items.length === 0) throw pyError('ValueError', `${name}() arg is an empty sequence`);
  return items.reduce((best, item) => (pythonOrder(name === 'min' ? '<' : '>', item, best) ? item : best));
}

function toInt(value: PyValue): number {
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw pyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(value)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
    return Math.trunc(value) + 0;
  }
  if (typeof value === 'string') {
    if (!/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value)) throw pyError('ValueError', `invalid literal for int() with base 10: ${pythonRepr(value)}`);
    return Number(value.trim().replaceAll('_', '')) + 0;
  }
  throw pyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${typeName(value)}'`);
}

const FLOAT_DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT_TEXT = new RegExp(String.raw`^[+-]?(?:(?:${FLOAT_DIGITS}(?:\.(?:${FLOAT_DIGITS})?)?|\.${FLOAT_DIGITS})(?:e[+-]?${FLOAT_DIGITS})?|inf|infinity|nan)$`, 'i');

function toFloat(value: PyValue): number {
  if (isNumeric(value)) return Number(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (!FLOAT_TEXT.test(text)) throw pyError('ValueError', `could not convert string to float: ${pythonRepr(value)}`);
    const sign = text.startsWith('-') ? -1 : 1;
    if (/nan$/i.test(text)) return Number.NaN;
    if (/inf(inity)?$/i.test(text)) return sign * Number.POSITIVE_INFINITY;
    return Number(text.replaceAll('_', ''));
  }
  throw pyError('TypeError', `float() argument must be a string or a real number, not '${typeName(value)}'`);
}

/** Python's `round()`: halves go to the even neighbour, judged on the exact binary value. */
function pythonRound(value: PyValue, ndigits: PyValue): number {
  if (!isNumeric(value)) throw pyError('TypeError', `type ${typeName(value)} doesn't define __round__ method`);
  const x = Number(value);
  if (ndigits === null) {
    if (Number.isNaN(x)) throw pyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(x)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
    return roundHalfEven(x);
  }
  if (!isInteger(ndigits)) throw pyError('TypeError', `'${typeName(ndigits)}' object cannot be interpreted as an integer`);
  const digits = Number(ndigits);
  if (!Number.isFinite(x) || (Number.isInteger(x) && digits >= 0) || digits > 100) return x;
  if (digits < 0) {
    const factor = 10 ** -digits;
    return Number.isFinite(factor) ? roundHalfEven(x / factor) * factor + 0 : 0;
  }
  // toFixed rounds a tie away from zero; a tie is possible only when the exact expansion ends in 5 right there.
  const rounded = x.toFixed(digits);
  const exact = Math.abs(x).toFixed(100);
  const cut = exact.indexOf('.') + 1 + digits;
  const isTie = exact[cut] === '5' && /^0*$/.test(exact.slice(cut + 1));
  if (!isTie) return Number(rounded) + 0;
  const truncated = exact.slice(0, digits === 0 ? cut - 1 : cut);
  const lastDigit = Number(truncated.at(-1));
  return (lastDigit % 2 === 0 ? Math.sign(x) * Number(truncated) : Number(rounded)) + 0;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) return floor + 0;
  if (fraction > 0.5) return floor + 1;
  return (floor % 2 === 0 ? floor : floor + 1) + 0;
}
