import { ExpressionSyntaxError } from './expression-errors.js';
import {
  BUILTIN_FUNCTIONS, BUILTIN_KEYWORDS, isBuiltinFunction, isMethodName,
  type CompareOperator, type PyExpr, type PyKeyword,
} from './python-ast.js';
import { TokenCursor } from './python-token-cursor.js';
import { tokenize, type Token } from './python-tokenizer.js';

export { ExpressionSyntaxError } from './expression-errors.js';
export type { PyExpr } from './python-ast.js';

/** Conditions in recordings are one-liners; the limits only stop abuse of CPU and stack. */
export const MAX_EXPRESSION_LENGTH = 2_000;
export { MAX_NESTING_DEPTH } from './python-token-cursor.js';

const DUNDER = /^__\w*__$/;
const COMPARE_OPERATORS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/**
 * Parses the Python expression subset with Python's precedence (conditional < or < and < not <
 * comparisons < + - < * / // % < unary + - < subscripts and calls). Grammar, loosely:
 *   test    := or ['if' or 'else' test]          or := and ('or' and)*    and := not ('and' not)*
 *   not     := 'not' not | compare                 compare := sum (cmp_op sum)*
 *   sum     := term (('+'|'-') term)*              term := factor (('*'|'/'|'//'|'%') factor)*
 *   factor  := ('+'|'-') factor | primary          primary := atom ('[' subscript ']' | '.' METHOD '(' args ')')*
 *   atom    := NAME | BUILTIN '(' args ')' | literal | '(' tuple ')' | '[' list ']'
 */
export function parsePythonExpression(source: string): PyExpr {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionSyntaxError(source, MAX_EXPRESSION_LENGTH, 'expression is too long', `the limit is ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const parser = new Parser(source, tokenize(source));
  const expression = parser.parseTest();
  parser.expectEnd();
  return expression;
}

class Parser extends TokenCursor {
  expectEnd(): void {
    if (this.peek().kind !== 'end') this.unexpected('the end of the expression');
  }

  parseTest(): PyExpr {
    const body = this.parseOr();
    const ifToken = this.peek();
    if (!this.isKeyword(ifToken, 'if')) return body;
    this.index += 1;
    const test = this.parseOr();
    if (!this.isKeyword(this.peek(), 'else')) this.unexpected('"else"');
    this.index += 1;
    const orelse = this.nested(() => this.parseTest());
    return { kind: 'conditional', test, body, orelse, position: ifToken.position };
  }

  private parseOr(): PyExpr {
    return this.parseBool('or', () => this.parseBool('and', () => this.parseNot()));
  }

  private parseBool(op: 'and' | 'or', operand: () => PyExpr): PyExpr {
    const first = operand();
    const values = [first];
    let position = first.position;
    while (this.isKeyword(this.peek(), op)) {
      if (values.length === 1) position = this.peek().position;
      this.index += 1;
      values.push(operand());
    }
    return values.length === 1 ? first : { kind: 'bool', op, values, position };
  }

  private parseNot(): PyExpr {
    const token = this.peek();
    if (!this.isKeyword(token, 'not')) return this.parseComparison();
    this.index += 1;
    return this.nested(() => ({ kind: 'unary', op: 'not', operand: this.parseNot(), position: token.position }));
  }

  private parseComparison(): PyExpr {
    const left = this.parseArithmetic();
    const ops: CompareOperator[] = [];
    const comparators: PyExpr[] = [];
    let position = left.position;
    for (;;) {
      const token = this.peek();
      const op = this.compareOperator(token);
      if (op === undefined) break;
      if (ops.length === 0) position = token.position;
      ops.push(op);
      comparators.push(this.parseArithmetic());
    }
    return ops.length === 0 ? left : { kind: 'compare', left, ops, comparators, position };
  }

  /** Consumes a comparison operator (one or two tokens) and returns it, or returns undefined. */
  private compareOperator(token: Token): CompareOperator | undefined {
    const next = this.tokens[this.index + 1];
    if (token.kind === 'op' && COMPARE_OPERATORS.has(token.text)) { this.index += 1; return token.text as CompareOperator; }
    if (this.isKeyword(token, 'in')) { this.index += 1; return 'in'; }
    if (this.isKeyword(token, 'not') && next !== undefined && this.isKeyword(next, 'in')) { this.index += 2; return 'not in'; }
    if (!this.isKeyword(token, 'is')) return undefined;
    if (next !== undefined && this.isKeyword(next, 'not')) { this.index += 2; return 'is not'; }
    this.index += 1;
    return 'is';
  }

  private parseArithmetic(): PyExpr {
    let left = this.parseTerm();
    for (let token = this.peek(); this.isOp(token, '+') || this.isOp(token, '-'); token = this.peek()) {
      this.index += 1;
      left = { kind: 'binary', op: token.text as '+' | '-', left, right: this.parseTerm(), position: token.position };
    }
    return left;
  }

  private parseTerm(): PyExpr {
    let left = this.parseFactor();
    for (let token = this.peek(); ['*', '/', '//', '%'].some((op) => this.isOp(token, op)); token = this.peek()) {
      this.index += 1;
      left = { kind: 'binary', op: token.text as '*' | '/' | '//' | '%', left, right: this.parseFactor(), position: token.position };
    }
    return left;
  }

  private parseFactor(): PyExpr {
    const token = this.peek();
    if (!this.isOp(token, '-') && !this.isOp(token, '+')) return this.parsePrimary();
    this.index += 1;
    return this.nested(() => ({ kind: 'unary', op: token.text as '-' | '+', operand: this.parseFactor(), position: token.position }));
  }

  private parsePrimary(): PyExpr {
    let target = this.parseAtom();
    for (;;) {
      const token = this.peek();
      if (this.isOp(token, '[')) {
        this.index += 1;
        target = this.nested(() => this.parseSubscript(target, token.position));
      } else if (this.isOp(token, '.')) {
        target = this.parseMethodCall(target);
      } else if (this.isOp(token, '(')) {
        this.fail(token, 'unexpected "("', 'only builtin functions and whitelisted methods can be called');
      } else {
        return target;
      }
    }
  }

  /** `[` has been consumed: an index `x[i]` or a slice `x[a:b:c]` (any part may be left out). */
  private parseSubscript(target: PyExpr, position: number): PyExpr {
    const parts: Array<PyExpr | null> = [this.atSliceBoundary() ? null : this.parseTest()];
    while (this.isOp(this.peek(), ':') && parts.length < 3) {
      this.index += 1;
      parts.push(this.atSliceBoundary() ? null : this.parseTest());
    }
    const close = this.peek();
    if (this.isOp(close, ',')) this.fail(close, 'unexpected ","', 'tuple indexes are not supported');
    if (!this.isOp(close, ']')) this.unexpected('"]"');
    this.index += 1;
    const [first = null, second = null, third = null] = parts;
    if (parts.length > 1) return { kind: 'slice', target, lower: first, upper: second, step: third, position };
    if (first === null) this.fail(close, 'unexpected "]"', 'expected an expression');
    return { kind: 'subscript', target, index: first, position };
  }

  private atSliceBoundary(): boolean {
    return this.isOp(this.peek(), ':') || this.isOp(this.peek(), ']');
  }

  private parseMethodCall(target: PyExpr): PyExpr {
    const dot = this.peek();
    this.index += 1;
    const name = this.peek();
    if (name.kind !== 'name') this.unexpected('a method name');
    if (DUNDER.test(name.text)) this.fail(name, `attribute "${name.text}"`, 'dunder attributes are not allowed');
    if (!isMethodName(name.text)) this.fail(name, `method "${name.text}"`, 'not in the list of supported str/list/dict methods');
    this.index += 1;
    if (!this.isOp(this.peek(), '(')) this.fail(dot, `attribute ".${name.text}"`, 'attribute access is only allowed as a method call');
    this.index += 1;
    const args = this.nested(() => this.parseArguments(undefined).args);
    return { kind: 'method', target, method: name.text, args, position: name.position };
  }

  private parseAtom(): PyExpr {
    const token = this.peek();
    if (token.kind === 'number') { this.index += 1; return { kind: 'constant', value: token.value, position: token.position }; }
    if (token.kind === 'string') return this.parseStrings();
    if (token.kind === 'keyword' && ['True', 'False', 'None'].includes(token.text)) {
      this.index += 1;
      return { kind: 'constant', value: token.text === 'None' ? null : token.text === 'True', position: token.position };
    }
    if (token.kind === 'name') return this.parseName(token);
    if (this.isOp(token, '(') || this.isOp(token, '[')) {
      this.index += 1;
      return this.nested(() => this.parseDisplay(token));
    }
    return this.unexpected('an expression');
  }

  /** Adjacent literals concatenate, as in Python: `'a' 'b'` is `'ab'`. */
  private parseStrings(): PyExpr {
    const position = this.peek().position;
    let value = '';
    for (let token = this.peek(); token.kind === 'string'; token = this.peek()) {
      value += token.value;
      this.index += 1;
    }
    return { kind: 'constant', value, position };
  }

  private parseName(token: Token): PyExpr {
    if (DUNDER.test(token.text)) this.fail(token, `name "${token.text}"`, 'dunder names are not allowed');
    this.index += 1;
    if (!this.isOp(this.peek(), '(')) return { kind: 'name', id: token.text, position: token.position };
    if (!isBuiltinFunction(token.text)) this.fail(token, `calling "${token.text}"`, `only the builtins ${BUILTIN_FUNCTIONS.join(', ')} can be called`);
    const func = token.text;
    this.index += 1;
    const { args, keywords } = this.nested(() => this.parseArguments(BUILTIN_KEYWORDS[func] ?? []));
    return { kind: 'call', func, args, keywords, position: token.position };
  }

  /** `(` or `[` has been consumed: a parenthesised expression, a tuple, or a list. */
  private parseDisplay(open: Token): PyExpr {
    const close = open.text === '(' ? ')' : ']';
    const elements: PyExpr[] = [];
    let trailingComma = false;
    while (!this.isOp(this.peek(), close)) {
      this.refuseStar();
      elements.push(this.parseTest());
      trailingComma = this.isOp(this.peek(), ',');
      if (!trailingComma) break;
      this.index += 1;
    }
    if (!this.isOp(this.peek(), close)) this.unexpected(`"${close}"`);
    this.index += 1;
    if (close === ']') return { kind: 'list', elements, position: open.position };
    if (elements.length === 1 && !trailingComma) return elements[0] as PyExpr;
    return { kind: 'tuple', elements, position: open.position };
  }

  /** `(` has been consumed. `allowedKeywords` undefined means no keyword argument at all. */
  private parseArguments(allowedKeywords: readonly string[] | undefined): { args: PyExpr[]; keywords: PyKeyword[] } {
    const args: PyExpr[] = [];
    const keywords: PyKeyword[] = [];
    while (!this.isOp(this.peek(), ')')) {
      this.refuseStar();
      const token = this.peek();
      const next = this.tokens[this.index + 1];
      if (token.kind === 'name' && next !== undefined && this.isOp(next, '=')) {
        if (!(allowedKeywords ?? []).includes(token.text)) this.fail(token, `keyword argument "${token.text}"`, 'keyword arguments are not supported here');
        if (keywords.some((keyword) => keyword.name === token.text)) this.fail(token, `keyword argument "${token.text}"`, 'keyword argument repeated');
        this.index += 2;
        keywords.push({ name: token.text, value: this.parseTest(), position: token.position });
      } else {
        if (keywords.length > 0) this.fail(token, 'positional argument', 'positional argument follows keyword argument');
        args.push(this.parseTest());
      }
      if (!this.isOp(this.peek(), ',')) break;
      this.index += 1;
    }
    if (!this.isOp(this.peek(), ')')) this.unexpected('"," or ")"');
    this.index += 1;
    return { args, keywords };
  }

  private refuseStar(): void {
    const token = this.peek();
    if (this.isOp(token, '*')) this.fail(token, 'unexpected "*"', 'star arguments and unpacking are not supported');
  }
}
