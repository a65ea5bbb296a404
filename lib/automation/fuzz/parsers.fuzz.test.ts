import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from '../expressions/condition.js';
import { evaluatePythonExpression, ExpressionEvaluationError } from '../expressions/evaluate-python-expression.js';
import { ExpressionSyntaxError, MAX_EXPRESSION_LENGTH, parsePythonExpression } from '../expressions/python-expression.js';
import { LocatorCommandError, MAX_COMMAND_LENGTH, parseLocatorCommand } from '../locator/locator-command.js';
import { substituteVariables } from '../variables/substitute-variables.js';

/**
 * The grammars read text from anyone who can send a recording: whatever the text, they answer a
 * parse or throw their own error, quickly. A fixed seed keeps failures reproducible.
 */
const RUNS = { seed: 20_251_204, numRuns: 3000 };

/** Fragments of both grammars and of what an attacker would try, glued in random order. */
const LOCATOR_TOKENS = [
  'page', '.', 'get_by_role', 'get_by_text', 'locator', 'filter', 'nth', 'first', 'last', 'frame_locator', 'content_frame', 'and_', 'or_',
  '(', ')', ',', '=', '"button"', "'x'", '"', "'", 'name', 'exact', 'has', 'has_text', 'True', 'None', 're', 'compile', '"a+"', 're.I',
  '0', '-1', '99999999999999999999', '{x[0]}', '{', '}', '[', ']', 'evaluate', '__class__', 'constructor', '`', '${', '#', '//', ';', '\\', '\n', ' ',
];
const EXPRESSION_TOKENS = [
  'x', 'y', 'True', 'False', 'None', 'and', 'or', 'not', 'in', 'is', 'if', 'else', 'lambda', 'for', '==', '!=', '<', '>=', '+', '-', '*', '/', '//', '%', '**',
  '(', ')', '[', ']', '{', '}', ':', ',', '.', 'len', 'str', 'int', 'upper', 'get', 'split', "'a'", '"b"', "'", '"""', '0', '1.5', '10', '9' + '9'.repeat(30),
  '__import__', '__class__', 'constructor', '`', ';', '#', '\\', '\n', ' ', '{x[0]}',
];

const tokens = (list: string[], maxLength: number) => fc.array(fc.constantFrom(...list), { maxLength }).map((parts) => parts.join(''));
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300, unit: 'binary' }));

/** Runs `work` and answers the error it threw, if any; the test then checks the error's class. */
function thrownBy(work: () => unknown): unknown {
  try {
    work();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('fuzzing the locator command grammar', () => {
  it('parses or throws LocatorCommandError, for random text and token soup', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tokens(LOCATOR_TOKENS, 60)), (command) => {
        const error = thrownBy(() => parseLocatorCommand(command));
        if (error !== undefined) expect(error).toBeInstanceOf(LocatorCommandError);
      }),
      RUNS,
    );
  });

  it('refuses over-long and deeply nested commands quickly', () => {
    const started = Date.now();
    expect(() => parseLocatorCommand('a'.repeat(MAX_COMMAND_LENGTH + 1))).toThrow(LocatorCommandError);
    expect(() => parseLocatorCommand(`${'locator("a", has=page.'.repeat(500)}locator("b")${')'.repeat(500)}`)).toThrow(LocatorCommandError);
    expect(() => parseLocatorCommand('locator("a")'.concat('.first'.repeat(1500)))).not.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('fuzzing the Python expression grammar', () => {
  const scope = { x: [1, 'a', { k: null }], y: { a: 'b' } };

  it('parses or throws ExpressionSyntaxError; evaluation throws only ExpressionEvaluationError', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tokens(EXPRESSION_TOKENS, 40)), (text) => {
        const syntax = thrownBy(() => parsePythonExpression(text));
        if (syntax !== undefined) {
          expect(syntax).toBeInstanceOf(ExpressionSyntaxError);
        } else {
          const evaluation = thrownBy(() => evaluatePythonExpression(parsePythonExpression(text), scope));
          if (evaluation !== undefined) expect(evaluation).toBeInstanceOf(ExpressionEvaluationError);
        }
        const condition = thrownBy(() => parseCondition(text));
        if (condition !== undefined) expect(condition).toBeInstanceOf(ExpressionSyntaxError);
        else {
          const evaluation = thrownBy(() => evaluateCondition(text, scope));
          if (evaluation !== undefined) expect(evaluation).toBeInstanceOf(ExpressionEvaluationError);
        }
      }),
      RUNS,
    );
  });

  it('refuses over-long and deeply nested expressions quickly', () => {
    const started = Date.now();
    expect(() => parsePythonExpression('1+'.repeat(MAX_EXPRESSION_LENGTH))).toThrow(ExpressionSyntaxError);
    expect(() => parsePythonExpression(`${'('.repeat(900)}1${')'.repeat(900)}`)).toThrow(ExpressionSyntaxError);
    expect(() => parsePythonExpression(`${'not '.repeat(400)}1`)).toThrow(ExpressionSyntaxError);
    expect(() => parsePythonExpression(`${'-'.repeat(1500)}1`)).toThrow(ExpressionSyntaxError);
    expect(() => evaluatePythonExpression(parsePythonExpression("'ab' * 1000000"), {})).toThrow(ExpressionEvaluationError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('fuzzing {name[i]} substitution', () => {
  it('never throws and never fills a placeholder that a value brought in', () => {
    const name = fc.constantFrom('a', 'b', '__proto__', 'constructor', 'toString');
    const value = fc.oneof(fc.string({ maxLength: 20 }), tokens(['{', '}', 'a', 'b', '[0]', '[1]', '.', '__proto__'], 8));
    fc.assert(
      fc.property(tokens(['{', '}', 'a', 'b', '[0]', '[1]', '.', 'x', '__proto__', 'constructor'], 30), fc.dictionary(name, fc.array(value, { maxLength: 3 })), (text, input) => {
        const secret = 'S3CRET-VALUE';
        const result = substituteVariables(text, { input, secure: { password: [secret] }, generated: {} });
        expect(typeof result).toBe('string');
        // Only the text itself could name the secret; no input value can pull it in.
        if (!text.includes('{password[0]}')) expect(result).not.toContain(secret);
      }),
      RUNS,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
