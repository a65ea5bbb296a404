import { pythonRepr } from '../../python/python-str.js';
import { pyError } from './expression-errors.js';
import type { BinaryOperator } from './python-ast.js';
import {
  checkSequenceLength, isDict, isInteger, isNumeric, iteratePython, typeName, type PyValue,
} from './python-values.js';

/** `==`: deep on lists and dicts; bool equals int (`True == 1`), int equals float (`1 == 1.0`). */
export function pythonEquals(left: PyValue, right: PyValue): boolean {
  if (isNumeric(left) && isNumeric(right)) return Number(left) === Number(right);
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, i) => pythonEquals(item, right[i] as PyValue));
  }
  if (isDict(left) && isDict(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length
      && keys.every((key) => Object.hasOwn(right, key) && pythonEquals(left[key] as PyValue, right[key] as PyValue));
  }
  return left === right;
}

/** `is`: the same None/bool/number/str value, or the very same list/dict object. */
export function pythonIs(left: PyValue, right: PyValue): boolean {
  return left === right;
}

export type OrderOperator = '<' | '<=' | '>' | '>=';

/** Ordering as Python 3 does it: numbers with numbers, str with str (by code point), lists lexicographically. */
export function pythonOrder(op: OrderOperator, left: PyValue, right: PyValue): boolean {
  if (isNumeric(left) && isNumeric(right)) return compareNumbers(op, Number(left), Number(right));
  if (typeof left === 'string' && typeof right === 'string') return compareNumbers(op, compareCodePoints(left, right), 0);
  if (Array.isArray(left) && Array.isArray(right)) {
    // The first unequal pair decides; if one list is a prefix of the other, length decides.
    const length = Math.min(left.length, right.length);
    for (let i = 0; i < length; i += 1) {
      const a = left[i] as PyValue;
      const b = right[i] as PyValue;
      if (!pythonEquals(a, b)) return pythonOrder(op, a, b);
    }
    return compareNumbers(op, left.length, right.length);
  }
  throw pyError('TypeError', `'${op}' not supported between instances of '${typeName(left)}' and '${typeName(right)}'`);
}

// JS and Python agree on number ordering, NaN included (every comparison with NaN is false).
function compareNumbers(op: OrderOperator, a: number, b: number): boolean {
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const difference = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** `item in container`. */
export function pythonContains(container: PyValue, item: PyValue): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw pyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((element) => pythonEquals(element, item));
  if (isDict(container)) {
    if (Array.isArray(item) || isDict(item)) throw pyError('TypeError', `unhashable type: '${typeName(item)}'`);
    return typeof item === 'string' && Object.hasOwn(container, item);
  }
  throw pyError('TypeError', `argument of type '${typeName(container)}' is not iterable`);
}

export function pythonBinary(op: BinaryOperator, left: PyValue, right: PyValue): PyValue {
  if (op === '+') return add(left, right);
  if (op === '*') return multiply(left, right);
  if (!isNumeric(left) || !isNumeric(right)) {
    if (op === '%' && typeof left === 'string') throw pyError('NotImplementedError', 'printf-style formatting (str % value) is not supported');
    throw unsupported(op, left, right);
  }
  const a = Number(left);
  const b = Number(right);
  if (op === '-') return a - b;
  if (b === 0) {
    if (op === '/') throw pyError('ZeroDivisionError', 'division by zero');
    // CPython 3.11's wording, which differs per operator and per int/float.
    const integers = Number.isInteger(a) && Number.isInteger(b);
    if (op === '%') throw pyError('ZeroDivisionError', integers ? 'integer modulo by zero' : 'float modulo');
    throw pyError('ZeroDivisionError', integers ? 'integer division or modulo by zero' : 'float floor division by zero');
  }
  if (op === '/') return a / b;
  const [quotient, remainder] = floorDivMod(a, b);
  return op === '//' ? quotient : remainder;
}

/** CPython's float divmod: the remainder takes the divisor's sign and `1 // 0.1 == 9.0`. */
function floorDivMod(a: number, b: number): [number, number] {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && (b < 0) !== (mod < 0)) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return [0, mod === 0 ? 0 : mod];
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return [floor, mod === 0 ? 0 : mod];
}

export function add(left: PyValue, right: PyValue): PyValue {
  if (isNumeric(left) && isNumeric(right)) return Number(left) + Number(right);
  if (typeof left === 'string') {
    if (typeof right !== 'string') throw pyError('TypeError', `can only concatenate str (not "${typeName(right)}") to str`);
    checkSequenceLength(left.length + right.length);
    return left + right;
  }
  if (Array.isArray(left)) {
    if (!Array.isArray(right)) throw pyError('TypeError', `can only concatenate list (not "${typeName(right)}") to list`);
    checkSequenceLength(left.length + right.length);
    return [...left, ...right];
  }
  throw unsupported('+', left, right);
}

function multiply(left: PyValue, right: PyValue): PyValue {
  if (isNumeric(left) && isNumeric(right)) return Number(left) * Number(right);
  const [sequence, count] = typeof left === 'string' || Array.isArray(left) ? [left, right] : [right, left];
  if (typeof sequence !== 'string' && !Array.isArray(sequence)) throw unsupported('*', left, right);
  if (!isInteger(count)) throw pyError('TypeError', `can't multiply sequence by non-int of type '${typeName(count)}'`);
  const times = sequence.length === 0 ? 0 : Math.max(0, Number(count));
  checkSequenceLength(sequence.length * times);
  if (typeof sequence === 'string') return sequence.repeat(times);
  return Array.from({ length: times }, () => sequence).flat(1);
}

function unsupported(op: string, left: PyValue, right: PyValue) {
  return pyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(left)}' and '${typeName(right)}'`);
}

/** `target[index]`: negative indexes count from the end; a dict is looked up by own key only. */
export function pythonGetItem(target: PyValue, index: PyValue): PyValue {
  if (isDict(target)) {
    if (Array.isArray(index) || isDict(index)) throw pyError('TypeError', `unhashable type: '${typeName(index)}'`);
    if (typeof index === 'string' && Object.hasOwn(target, index)) return target[index] as PyValue;
    throw pyError('KeyError', pythonRepr(index));
  }
  if (typeof target !== 'string' && !Array.isArray(target)) throw pyError('TypeError', `'${typeName(target)}' object is not subscriptable`);
  const items = typeof target === 'string' ? Array.from(target) : target;
  const kind = typeof target === 'string' ? 'string' : 'list';
  if (!isInteger(index)) {
    throw pyError('TypeError', kind === 'string' ? `string indices must be integers, not '${typeName(index)}'` : `list indices must be integers or slices, not ${typeName(index)}`);
  }
  const position = Number(index) < 0 ? items.length + Number(index) : Number(index);
  if (position < 0 || position >= items.length) throw pyError('IndexError', `${kind} index out of range`);
  return items[position] as PyValue;
}

/** `target[lower:upper:step]` with Python's clamping rules (`slice.indices`). */
export function pythonSlice(target: PyValue, lower: PyValue, upper: PyValue, step: PyValue): PyValue {
  if (isDict(target)) throw pyError('TypeError', "unhashable type: 'slice'");
  if (typeof target !== 'string' && !Array.isArray(target)) throw pyError('TypeError', `'${typeName(target)}' object is not subscriptable`);
  for (const bound of [lower, upper, step]) {
    if (bound !== null && !isInteger(bound)) throw pyError('TypeError', 'slice indices must be integers or None or have an __index__ method');
  }
  const stride = step === null ? 1 : Number(step);
  if (stride === 0) throw pyError('ValueError', 'slice step cannot be zero');
  const items = iteratePython(target);
  const length = items.length;
  const clamp = (bound: PyValue, fallback: number): number => {
    if (bound === null) return fallback;
    const value = Number(bound) < 0 ? Number(bound) + length : Number(bound);
    if (stride > 0) return Math.min(Math.max(value, 0), length);
    return Math.min(Math.max(value, -1), length - 1);
  };
  const start = clamp(lower, stride > 0 ? 0 : length - 1);
  const stop = clamp(upper, stride > 0 ? length : -1);
  const picked: PyValue[] = [];
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) picked.push(items[i] as PyValue);
  return typeof target === 'string' ? picked.join('') : picked;
}
