import { evaluatePythonExpression, isPythonTruthy, type PyValue } from './evaluate-python-expression.js';
import { ExpressionSyntaxError, parsePythonExpression, type PyExpr } from './python-expression.js';
import { PYTHON_KEYWORDS } from './python-tokenizer.js';

/**
 * If/else conditions (spec 2.5). The original evaluates `eval(condition, {}, scope)` after
 * unwrapping `{name}` / `{name[...]}`, so recordings may write `not {logged_in[0]}`.
 */

// The original's pattern. Python's `\w` is Unicode-aware, hence \p{L}\p{N} instead of JS's ASCII \w.
const BRACED_REFERENCE = /\{(([A-Za-z_][\p{L}\p{N}_]*)(?:\[[^{}[\]]+\])?)\}/gu;

/** Replaces every `{name}` / `{name[...]}` whose name `isKnownName` accepts by its inside; the rest stays. */
export function unwrapConditionBraces(condition: string, isKnownName: (name: string) => boolean): string {
  return unwrap(condition, isKnownName).text;
}

/**
 * Parses a condition for acceptance, before any variable exists: braces around any identifier are
 * unwrapped (a keyword such as `{None}` is not a name and stays, to be refused). Throws
 * ExpressionSyntaxError whose position points into `condition` itself.
 */
export function parseCondition(condition: string): PyExpr {
  return parseUnwrapped(condition, isVariableName);
}

/**
 * Evaluates a condition against `scope` ({...input_parameters, ...generated_variables}) and applies
 * Python truthiness. Braces around names in scope are unwrapped as in the original. Braces around
 * an unknown name are unwrapped too: in Python `{x[0]}` is then a set display whose evaluation
 * raises the same NameError that `x[0]` raises, at the same moment, so short-circuiting
 * (`a[0] or {later[0]}`) behaves identically, while we need no set literals in the grammar.
 */
export function evaluateCondition(condition: string, scope: Readonly<Record<string, PyValue>>): boolean {
  const expression = parseUnwrapped(condition, (name) => Object.hasOwn(scope, name) || isVariableName(name));
  return isPythonTruthy(evaluatePythonExpression(expression, scope));
}

function isVariableName(name: string): boolean {
  return !PYTHON_KEYWORDS.has(name);
}

function parseUnwrapped(condition: string, isKnownName: (name: string) => boolean): PyExpr {
  const { text, originalPosition } = unwrap(condition, isKnownName);
  try {
    return parsePythonExpression(text);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    // Report against what the recording says, not against our rewrite of it.
    throw new ExpressionSyntaxError(condition, originalPosition(error.position), error.problem, error.hint);
  }
}

/** The unwrapped text, and for each of its offsets the offset in `condition` it came from. */
function unwrap(condition: string, isKnownName: (name: string) => boolean): { text: string; originalPosition: (position: number) => number } {
  let text = '';
  const origin: number[] = [];
  const append = (piece: string, start: number) => {
    text += piece;
    for (let i = 0; i < piece.length; i += 1) origin.push(start + i);
  };
  let last = 0;
  for (const match of condition.matchAll(BRACED_REFERENCE)) {
    const [whole, inner = '', name = ''] = match;
    append(condition.slice(last, match.index), last);
    if (isKnownName(name)) append(inner, match.index + 1);
    else append(whole, match.index);
    last = match.index + whole.length;
  }
  append(condition.slice(last), last);
  return { text, originalPosition: (position) => origin[position] ?? condition.length };
}
