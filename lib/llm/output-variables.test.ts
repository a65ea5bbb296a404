import { describe, expect, it } from 'vitest';
import { buildAnswerFormatFromRecorded, parseLlmAnswer } from './extraction-format-schema.js';
import { OutputVariableError, outputVariablesOf } from './output-variables.js';

describe('outputVariablesOf', () => {
  it('stores a list as it is', () => {
    expect(outputVariablesOf({ ids: ['a', 'b'] }, ['ids'])).toEqual({ ids: ['a', 'b'] });
    expect(outputVariablesOf({ ids: [] }, ['ids'])).toEqual({ ids: [] });
  });

  it('wraps a string, number or boolean in a one-element list', () => {
    expect(outputVariablesOf({ s: 'x', n: 0, f: 1.5, b: false }, ['s', 'n', 'f', 'b'])).toEqual({
      s: ['x'],
      n: [0],
      f: [1.5],
      b: [false],
    });
  });

  it('stores null as [null]', () => {
    expect(outputVariablesOf({ s: null }, ['s'])).toEqual({ s: [null] });
  });

  it('stores a key the answer lacks as [null]', () => {
    expect(outputVariablesOf({}, ['s'])).toEqual({ s: [null] });
  });

  it('stores only the named keys', () => {
    expect(outputVariablesOf({ a: 'x', b: 'y' }, ['b'])).toEqual({ b: ['y'] });
  });

  it('stores nothing without output_variable_names', () => {
    expect(outputVariablesOf({ a: 'x' }, null)).toEqual({});
  });

  it('refuses an object, naming the variable but not its content', () => {
    const act = () => outputVariablesOf({ ok: 'x', address: { city: 'Springfield' } }, ['ok', 'address']);
    expect(act).toThrow(OutputVariableError);
    expect(act).toThrow(/Output variable "address" must be .* the LLM answered an object/);
    expect(act).not.toThrow(/Springfield/);
  });

  it('stores a validated corpus-shaped answer', () => {
    const format = buildAnswerFormatFromRecorded({ status: 'str', total: 'str', items: 'List[str]' });
    const answer = parseLlmAnswer(format, { status: 'Shipped', items: ['a'] });
    expect(outputVariablesOf(answer, ['status', 'total', 'items'])).toEqual({ status: ['Shipped'], total: [null], items: ['a'] });
  });
});
