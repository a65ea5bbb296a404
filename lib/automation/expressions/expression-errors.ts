/**
 * Errors of the Python-expression evaluator. They are not `AppError`s: the evaluator is a pure
 * library, and the caller decides whether a bad condition is a recording problem (4xx at upload)
 * or a failed task (at run time). Both carry a SCREAMING_SNAKE `code` so that mapping is a lookup.
 */

/**
 * A recorded expression the grammar refuses. `position` is the 0-based offset in `source` of the
 * first character that is wrong, so a recording editor can point at it.
 */
export class ExpressionSyntaxError extends Error {
  readonly code = 'EXPRESSION_SYNTAX';
  readonly position: number;
  readonly source: string;
  readonly problem: string;
  readonly hint: string | undefined;

  constructor(source: string, position: number, problem: string, hint?: string) {
    // House message shape: `<problem> at position <n>: <hint>`.
    super(`${problem} at position ${position}${hint === undefined ? '' : `: ${hint}`}`);
    this.name = 'ExpressionSyntaxError';
    this.position = position;
    this.source = source;
    this.problem = problem;
    this.hint = hint;
  }
}

/** The Python exception class an evaluation error stands for; it leads the message as in Python. */
export type PythonErrorName =
  | 'NameError'
  | 'TypeError'
  | 'ValueError'
  | 'IndexError'
  | 'KeyError'
  | 'AttributeError'
  | 'ZeroDivisionError'
  | 'OverflowError'
  | 'MemoryError'
  | 'NotImplementedError';

/** Raised while evaluating; the message reads like Python's: `NameError: name 'x' is not defined`. */
export class ExpressionEvaluationError extends Error {
  readonly code = 'EXPRESSION_EVALUATION';
  readonly pythonError: PythonErrorName;

  constructor(pythonError: PythonErrorName, detail: string) {
    super(`${pythonError}: ${detail}`);
    this.name = 'ExpressionEvaluationError';
    this.pythonError = pythonError;
  }
}

/** Shorthand used by the evaluator's helpers: `throw pyError('TypeError', '...')`. */
export function pyError(pythonError: PythonErrorName, detail: string): ExpressionEvaluationError {
  return new ExpressionEvaluationError(pythonError, detail);
}
