import { describe, expect, it } from 'vitest';
import { hasAnyVariable, stripDoubleQuotes, substituteVariables, type VariableSources } from './substitute-variables.js';

const sources = (partial: Partial<VariableSources>): VariableSources => ({ input: {}, secure: {}, generated: {}, ...partial });

describe('substituteVariables: {key[i]}', () => {
  it('replaces every occurrence of each index of each list', () => {
    const s = sources({ input: { name: ['Ada', 'Bob'] } });
    expect(substituteVariables('{name[0]} & {name[1]} & {name[0]}', s)).toBe('Ada & Bob & Ada');
  });

  it('writes values as Python str(): True/False, ints, floats', () => {
    const s = sources({ input: { v: [true, false, 3, 1.5, 1e20, 1e-5] } });
    expect(substituteVariables('{v[0]} {v[1]} {v[2]} {v[3]} {v[4]} {v[5]}', s)).toBe('True False 3 1.5 1e+20 1e-05');
  });

  it('leaves unresolved placeholders literally: out of range, unknown key, other spellings', () => {
    const s = sources({ input: { x: ['a', 'b'] } });
    expect(substituteVariables('{x[2]} {y[0]} {x[ 0]} {x[index]} {x}', s)).toBe('{x[2]} {y[0]} {x[ 0]} {x[index]} {x}');
  });

  it('skips None, so a later source may still fill the same placeholder', () => {
    expect(substituteVariables('{v[0]}', sources({ generated: { v: [null] } }))).toBe('{v[0]}');
    expect(substituteVariables('{v[0]}', sources({ input: { v: [null] }, generated: { v: ['gen'] } }))).toBe('gen');
  });

  it('applies input, then secure, then generated: the first source with a value wins', () => {
    const s = sources({ input: { x: ['in'] }, secure: { x: ['secret'], y: ['pw'] }, generated: { x: ['gen'], y: ['gen-y'], z: ['gz'] } });
    expect(substituteVariables('{x[0]} {y[0]} {z[0]}', s)).toBe('in pw gz');
  });

  it('skips non-list values for {key[i]} (api_call results are dicts)', () => {
    expect(substituteVariables('{api[0]}', sources({ generated: { api: { status: 'ok' } } }))).toBe('{api[0]}');
  });

  it('treats a substituted value as data: it is never substituted again', () => {
    const s = sources({ input: { a: ['{secret[0]}', '{api.token}', '$& $1'] }, secure: { secret: ['hunter2'] }, generated: { api: { token: 't' } } });
    expect(substituteVariables('{a[0]} {a[1]} {a[2]}', s)).toBe('{secret[0]} {api.token} $& $1');
  });

  it('does not join a value with the text around it into a new placeholder', () => {
    const s = sources({ input: { a: ['{b'] }, generated: { b: ['x'] } });
    expect(substituteVariables('{a[0]}[0]}', s)).toBe('{b[0]}');
  });

  it('reads only own keys, so __proto__ and constructor are ordinary names', () => {
    const input = JSON.parse('{"__proto__": ["p"]}') as Record<string, unknown[]>;
    expect(substituteVariables('{__proto__[0]} {constructor[0]} {toString[0]}', sources({ input }))).toBe('p {constructor[0]} {toString[0]}');
    expect(({} as Record<string, unknown>)['0']).toBeUndefined();
  });
});

describe('substituteVariables: {var.path}', () => {
  const generated = {
    api: { status: 'ok', count: 3, ok: true, missing: null, data: [{ name: 'A', n: 1 }], meta: { page: 1, tags: ['x', 'é'] } },
    list: ['not a dict'],
  };

  it.each([
    ['{api.status}', 'ok'],
    ['{api.count}', '3'],
    ['{api.ok}', 'True'],
    ['{api.data[0].name}', 'A'],
    ['{api.data}', '[{"name": "A", "n": 1}]'],
    ['{api.meta}', '{"page": 1, "tags": ["x", "\\u00e9"]}'],
    ['{api.meta.tags[1]}', 'é'],
    ['{api.nope}', '{api.nope}'],
    ['{api.data[5].name}', '{api.data[5].name}'],
    ['{api.missing}', '{api.missing}'],
    ['{api.status.length}', '{api.status.length}'],
    ['{api.constructor}', '{api.constructor}'],
    ['{constructor.name}', '{constructor.name}'],
    ['{list.x}', '{list.x}'],
    ['{api}', '{api}'],
  ])('%s → %s', (text, expected) => {
    expect(substituteVariables(text, sources({ generated }))).toBe(expected);
  });

  it('runs after the list substitution, on what is left of the text', () => {
    const s = sources({ input: { who: ['Ada'] }, generated });
    expect(substituteVariables('{who[0]}: {api.status}', s)).toBe('Ada: ok');
  });
});

describe('hasAnyVariable and stripDoubleQuotes', () => {
  it('is true only when some list holds a non-None value', () => {
    expect(hasAnyVariable(sources({}))).toBe(false);
    expect(hasAnyVariable(sources({ input: { a: [] }, generated: { v: [null], api: { a: 1 } } }))).toBe(false);
    expect(hasAnyVariable(sources({ generated: { v: [null, 0] } }))).toBe(true);
    expect(hasAnyVariable(sources({ secure: { pw: ['x'] } }))).toBe(true);
  });

  it.each([['"abc"', 'abc'], ['""a"b""', 'a"b'], ['"', ''], ['a', 'a'], ["'a'", "'a'"]])('strips %s to %s', (text, expected) => {
    expect(stripDoubleQuotes(text)).toBe(expected);
  });
});
