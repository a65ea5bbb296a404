import { pyError } from './expression-errors.js';
import { isBuiltinFunction, type CompareOperator, type PyExpr } from './python-ast.js';
import { callBuiltin } from './python-builtins.js';
import { callMethod } from './python-methods.js';
import {
  pythonBinary, pythonContains, pythonEquals, pythonGetItem, pythonIs, pythonOrder, pythonSlice,
} from './python-operators.js';
import { isNumeric, isPythonTruthy, typeName, type PyValue } from './python-values.js';

export { ExpressionEvaluationError } from './expression-errors.js';
export { isPythonTruthy, toPyValue, type PyValue } from './python-values.js';

/**
 * Evaluates a parsed expression against `scope` with Python semantics. Nothing here can reach a
 * JS object's prototype or produce a function: names and dict keys are own properties only, calls
 * go to the whitelisted builtins and methods, and every result is plain data.
 */
export function evaluatePythonExpression(expr: PyExpr, scope: Readonly<Record<string, PyValue>>): PyValue {
  const evaluate = (node: PyExpr): PyValue => evaluatePythonExpression(node, scope);
  switch (expr.kind) {
    case 'constant':
      return expr.value;
    case 'name':
      return lookUp(expr.id, scope);
    case 'list':
    case 'tuple':
      return expr.elements.map(evaluate);
    case 'subscript':
      return pythonGetItem(evaluate(expr.target), evaluate(expr.index));
    case 'slice': {
      const target = evaluate(expr.target);
      const bound = (node: PyExpr | null) => (node === null ? null : evaluate(node));
      return pythonSlice(target, bound(expr.lower), bound(expr.upper), bound(expr.step));
    }
    case 'call': {
      // Like Python's eval(expr, {}, scope), a variable shadows the builtin of the same name.
      if (Object.hasOwn(scope, expr.func)) throw pyError('TypeError', `'${typeName(lookUp(expr.func, scope))}' object is not callable`);
      const args = expr.args.map(evaluate);
      const keywords = new Map(expr.keywords.map((keyword) => [keyword.name, evaluate(keyword.value)]));
      return callBuiltin(expr.func, args, keywords);
    }
    case 'method':
      return callMethod(evaluate(expr.target), expr.method, expr.args.map(evaluate));
    case 'unary':
      return evaluateUnary(expr.op, evaluate(expr.operand));
    case 'binary':
      return pythonBinary(expr.op, evaluate(expr.left), evaluate(expr.right));
    case 'compare':
      return evaluateComparison(expr.left, expr.ops, expr.comparators, evaluate);
    case 'bool':
      return evaluateBoolean(expr.op, expr.values, evaluate);
    case 'conditional':
      return isPythonTruthy(evaluate(expr.test)) ? evaluate(expr.body) : evaluate(expr.orelse);
  }
}

function lookUp(name: string, scope: Readonly<Record<string, PyValue>>): PyValue {
  // Own properties only: `constructor`, `toString` or `__proto__` must not find Object.prototype.
  if (Object.hasOwn(scope, name)) return scope[name] ?? null;
  if (isBuiltinFunction(name)) throw pyError('NotImplementedError', `builtin '${name}' can only be called, not used as a value`);
  throw pyError('NameError', `name '${name}' is not defined`);
}

function evaluateUnary(op: 'not' | '-' | '+', operand: PyValue): PyValue {
  if (op === 'not') return !isPythonTruthy(operand);
  if (!isNumeric(operand)) throw pyError('TypeError', `bad operand type for unary ${op}: '${typeName(operand)}'`);
  // `+ 0` turns -0 into 0: `-0` is the int 0 in Python.
  return op === '-' ? -Number(operand) + 0 : Number(operand);
}

/** `a < b < c` is `a < b and b < c` with `b` evaluated once; the right side is evaluated only if needed. */
function evaluateComparison(left: PyExpr, ops: CompareOperator[], comparators: PyExpr[], evaluate: (node: PyExpr) => PyValue): boolean {
  let current = evaluate(left);
  for (const [i, op] of ops.entries()) {
    const next = evaluate(comparators[i] as PyExpr);
    if (!compare(op, current, next)) return false;
    current = next;
  }
  return true;
}

function compare(op: CompareOperator, left: PyValue, right: PyValue): boolean {
  switch (op) {
    case '==': return pythonEquals(left, right);
    case '!=': return !pythonEquals(left, right);
    case 'in': return pythonContains(right, left);
    case 'not in': return !pythonContains(right, left);
    case 'is': return pythonIs(left, right);
    case 'is not': return !pythonIs(left, right);
    default: return pythonOrder(op, left, right);
  }
}

/** `and`/`or` short-circuit and return an operand, not a bool, exactly as Python does. */
function evaluateBoolean(op: 'and' | 'or', values: PyExpr[], evaluate: (node: PyExpr) => PyValue): PyValue {
  let result: PyValue = null;
  for (const node of values) {
    result = evaluate(node);
    if (isPythonTruthy(result) === (op === 'or')) return result;
  }
  return result;
}
