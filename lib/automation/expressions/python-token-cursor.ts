import { ExpressionSyntaxError } from './expression-errors.js';
import type { Token } from './python-tokenizer.js';

export const MAX_NESTING_DEPTH = 50;

/** The parser's position in the token list, its nesting counter, and how it reports errors. */
export class TokenCursor {
  protected index = 0;
  private depth = 0;

  constructor(protected readonly source: string, protected readonly tokens: Token[]) {}

  /**
   * Counts nesting (brackets, calls, unary chains, chained conditionals) so a deep input cannot
   * exhaust the stack. Called right after the opening token, which is where the error points.
   */
  protected nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_NESTING_DEPTH) {
      this.fail(this.tokens[this.index - 1] ?? this.peek(), 'expression is nested too deeply', `the limit is ${MAX_NESTING_DEPTH} levels`);
    }
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  protected peek(): Token {
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  protected isKeyword(token: Token, word: string): boolean {
    return token.kind === 'keyword' && token.text === word;
  }

  protected isOp(token: Token, op: string): boolean {
    return token.kind === 'op' && token.text === op;
  }

  protected unexpected(expected: string): never {
    const token = this.peek();
    if (token.kind === 'end') this.fail(token, 'unexpected end of expression', `expected ${expected}`);
    if (this.isOp(token, '=')) this.fail(token, 'unexpected "="', 'assignment is not allowed (use == to compare)');
    if (this.isOp(token, ':=')) this.fail(token, 'unexpected ":="', 'assignment expressions are not allowed');
    return this.fail(token, `unexpected ${JSON.stringify(token.text)}`, `expected ${expected}`);
  }

  protected fail(token: Token, problem: string, hint: string): never {
    throw new ExpressionSyntaxError(this.source, token.position, problem, hint);
  }
}
