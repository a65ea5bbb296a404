/**
 * The syntax tree of the Python subset that recordings use in if/else conditions and
 * set_variable expressions, plus the two whitelists (callable builtins, callable methods).
 * Everything reachable from a tree is listed here, so reviewing this file reviews what a
 * recording can make the worker do.
 */

/**
 * Builtins a recording may call. `isinstance` is left out on purpose: it needs type objects as
 * values, and the evaluator only ever handles plain data.
 */
export const BUILTIN_FUNCTIONS = [
  'len', 'str', 'int', 'float', 'bool', 'abs', 'min', 'max', 'round', 'sum', 'any', 'all', 'sorted',
] as const;
export type BuiltinFunction = (typeof BUILTIN_FUNCTIONS)[number];

/** The only keyword arguments accepted, per builtin (`sorted(x, reverse=True)`). */
export const BUILTIN_KEYWORDS: Readonly<Partial<Record<BuiltinFunction, readonly string[]>>> = {
  sorted: ['reverse'],
};

/**
 * Methods a recording may call, on str (lower … isdigit), list (count, index) and dict (get,
 * keys, values, items). Attribute access exists only as a call to one of these: there is no way
 * to name an attribute and keep it as a value.
 */
export const METHODS = [
  'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'startswith', 'endswith', 'split', 'replace',
  'join', 'count', 'find', 'isdigit', 'index', 'get', 'keys', 'values', 'items',
] as const;
export type MethodName = (typeof METHODS)[number];

export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%';
export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

/** Every node records the 0-based offset of its first (or its operator's) character. */
export type PyExpr =
  | { kind: 'constant'; value: null | boolean | number | string; position: number }
  | { kind: 'name'; id: string; position: number }
  | { kind: 'list' | 'tuple'; elements: PyExpr[]; position: number }
  | { kind: 'subscript'; target: PyExpr; index: PyExpr; position: number }
  | { kind: 'slice'; target: PyExpr; lower: PyExpr | null; upper: PyExpr | null; step: PyExpr | null; position: number }
  | { kind: 'call'; func: BuiltinFunction; args: PyExpr[]; keywords: PyKeyword[]; position: number }
  | { kind: 'method'; target: PyExpr; method: MethodName; args: PyExpr[]; position: number }
  | { kind: 'unary'; op: 'not' | '-' | '+'; operand: PyExpr; position: number }
  | { kind: 'binary'; op: BinaryOperator; left: PyExpr; right: PyExpr; position: number }
  | { kind: 'compare'; left: PyExpr; ops: CompareOperator[]; comparators: PyExpr[]; position: number }
  | { kind: 'bool'; op: 'and' | 'or'; values: PyExpr[]; position: number }
  | { kind: 'conditional'; test: PyExpr; body: PyExpr; orelse: PyExpr; position: number };

export type PyKeyword = { name: string; value: PyExpr; position: number };

export function isBuiltinFunction(name: string): name is BuiltinFunction {
  return (BUILTIN_FUNCTIONS as readonly string[]).includes(name);
}

export function isMethodName(name: string): name is MethodName {
  return (METHODS as readonly string[]).includes(name);
}
