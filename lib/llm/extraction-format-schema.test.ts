import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CORPUS_DIR, listCorpusFiles } from '../../infra/local/corpus-outcome.js';
import { type FormatType, parseFormatType } from '../schemas/automation/format-type.js';
import {
  type AnswerFormat,
  buildAnswerFormat,
  buildAnswerFormatFromRecorded,
  FormatTypeError,
  LlmAnswerError,
  parseLlmAnswer,
} from './extraction-format-schema.js';

type Found = { file: string; path: string; format: Record<string, unknown> };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectFormats(value: unknown, file: string, path: string, out: Found[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectFormats(item, file, `${path}[${index}]`, out));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'extraction_format' || key === 'output_format') && isRecord(child)) {
      out.push({ file, path: `${path}.${key}`, format: child });
    }
    collectFormats(child, file, `${path}.${key}`, out);
  }
}

const corpusFormats: Found[] = [];
for (const file of listCorpusFiles()) {
  collectFormats(JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')), file, '', corpusFormats);
}

/** A value of the given type, as a well-behaved model would answer. */
function sampleOf(type: FormatType): unknown {
  switch (type.kind) {
    case 'str':
      return 'text';
    case 'int':
      return 3;
    case 'float':
      return 2.5;
    case 'bool':
      return true;
    case 'any':
      return { anything: [1] };
    case 'none':
      return null;
    case 'dict':
      return { key: type.value === null ? 1 : sampleOf(type.value) };
    case 'list':
      return [type.item === null ? 'x' : sampleOf(type.item)];
    case 'optional':
      return sampleOf(type.inner);
    case 'union':
      return type.options[0] === undefined ? null : sampleOf(type.options[0]);
    case 'object':
      return Object.fromEntries(type.fields.map((field) => [field.name, sampleOf(field.type)]));
  }
}

function parsedFormat(format: Record<string, unknown>): Extract<FormatType, { kind: 'object' }> {
  const result = parseFormatType(format);
  if (!result.ok || result.type.kind !== 'object') throw new Error(`test format does not parse: ${JSON.stringify(format)}`);
  return result.type;
}

function answerError(format: AnswerFormat, answer: unknown): LlmAnswerError {
  try {
    parseLlmAnswer(format, answer);
  } catch (error) {
    if (error instanceof LlmAnswerError) return error;
    throw error;
  }
  throw new Error('the answer was accepted');
}

describe('the corpus formats', () => {
  it('finds the formats of the corpus recordings', () => {
    expect(corpusFormats.length).toBeGreaterThanOrEqual(15);
  });

  it.each(corpusFormats)('converts $file $path both ways and accepts a sample answer', ({ format }) => {
    const type = parsedFormat(format);
    const built = buildAnswerFormat(type);
    const keys = Object.keys(format);
    expect(built.strict).toBe(true);
    expect(built.jsonSchema).toMatchObject({ type: 'object', required: keys, additionalProperties: false });
    expect(Object.keys(built.jsonSchema.properties as object)).toEqual(keys);
    const sample = sampleOf(type);
    expect(parseLlmAnswer(built, sample)).toEqual(sample);
    expect(parseLlmAnswer(built, {})).toEqual(Object.fromEntries(keys.map((key) => [key, null])));
  });

  it.each(corpusFormats)('sends $file $path as a JSON Schema that a complete sample answer satisfies', ({ format }) => {
    const type = parsedFormat(format);
    const sent = z.fromJSONSchema(buildAnswerFormat(type).jsonSchema);
    const allNull = Object.fromEntries(Object.keys(format).map((key) => [key, null]));
    expect(sent.safeParse(sampleOf(type)).success).toBe(true);
    expect(sent.safeParse(allNull).success).toBe(true);
    expect(sent.safeParse({ ...allNull, not_in_format: 1 }).success).toBe(false);
  });
});

describe('the fixed format of an LLM assertion', () => {
  it('converts to a strict schema of a bool and a str', () => {
    const built = buildAnswerFormatFromRecorded({ assertion_result: 'bool', assertion_reason: 'str' });
    expect(built.strict).toBe(true);
    expect(parseLlmAnswer(built, { assertion_result: false, assertion_reason: 'no login form' })).toEqual({
      assertion_result: false,
      assertion_reason: 'no login form',
    });
  });
});

describe('buildAnswerFormat', () => {
  it('writes scalar and list fields as nullable JSON Schema types', () => {
    const { jsonSchema, strict } = buildAnswerFormatFromRecorded({
      a: 'str',
      b: 'int',
      c: 'float',
      d: 'bool',
      e: 'List[str]',
      f: 'list[int]',
      g: ['float'],
    });
    expect(strict).toBe(true);
    expect(jsonSchema).toEqual({
      type: 'object',
      properties: {
        a: { type: ['string', 'null'] },
        b: { type: ['integer', 'null'] },
        c: { type: ['number', 'null'] },
        d: { type: ['boolean', 'null'] },
        e: { type: ['array', 'null'], items: { type: 'string' } },
        f: { type: ['array', 'null'], items: { type: 'integer' } },
        g: { type: ['array', 'null'], items: { type: 'number' } },
      },
      required: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      additionalProperties: false,
    });
  });

  it('requires every key of a nested format in the JSON Schema, as strict structured outputs do', () => {
    const sent = z.fromJSONSchema(buildAnswerFormatFromRecorded({ a: 'str', o: { x: 'bool' }, rows: [{ id: 'str' }] }).jsonSchema);
    expect(sent.safeParse({ a: null, o: null, rows: null }).success).toBe(true);
    expect(sent.safeParse({ a: 'x', o: { x: true }, rows: [{ id: 'q' }] }).success).toBe(true);
    expect(sent.safeParse({ a: 'x', o: { x: true }, rows: [{ id: 3 }] }).success).toBe(false);
    expect(sent.safeParse({ a: 'x', o: {}, rows: null }).success).toBe(false);
    expect(sent.safeParse({ a: 'x', o: null }).success).toBe(false);
  });

  it('writes a nested object as a closed sub-schema or null', () => {
    const { jsonSchema } = buildAnswerFormatFromRecorded({ address: { city: 'str', zip: 'int' } });
    expect(jsonSchema.properties).toEqual({
      address: {
        anyOf: [
          {
            type: 'object',
            properties: { city: { type: ['string', 'null'] }, zip: { type: ['integer', 'null'] } },
            required: ['city', 'zip'],
            additionalProperties: false,
          },
          { type: 'null' },
        ],
      },
    });
  });

  it('writes a list of objects with closed item schemas', () => {
    const { jsonSchema, strict } = buildAnswerFormatFromRecorded({ rows: [{ id: 'str', amount: 'float' }] });
    expect(strict).toBe(true);
    expect(jsonSchema.properties).toEqual({
      rows: {
        type: ['array', 'null'],
        items: {
          type: 'object',
          properties: { id: { type: ['string', 'null'] }, amount: { type: ['number', 'null'] } },
          required: ['id', 'amount'],
          additionalProperties: false,
        },
      },
    });
  });

  it('writes Optional inside a list as a nullable item and does not repeat null at the top', () => {
    const { jsonSchema } = buildAnswerFormatFromRecorded({ a: 'List[Optional[str]]', b: 'Optional[int]' });
    expect(jsonSchema.properties).toEqual({
      a: { type: ['array', 'null'], items: { type: ['string', 'null'] } },
      b: { type: ['integer', 'null'] },
    });
  });

  it('writes a union as anyOf with null added once', () => {
    const { jsonSchema } = buildAnswerFormatFromRecorded({ a: 'str | int', b: 'str | None' });
    expect(jsonSchema.properties).toEqual({
      a: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] },
      b: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    });
  });

  it.each([
    ['Any', {}],
    ['dict', { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }] }],
    ['dict[str, int]', { anyOf: [{ type: 'object', additionalProperties: { type: 'integer' } }, { type: 'null' }] }],
    ['list', { type: ['array', 'null'] }],
  ])('marks %s as free-form, which strict structured outputs cannot express', (typeText, expected) => {
    const { jsonSchema, strict } = buildAnswerFormatFromRecorded({ a: typeText });
    expect(strict).toBe(false);
    expect(jsonSchema.properties).toEqual({ a: expected });
  });

  it('refuses a format the type grammar rejects, naming the field', () => {
    expect(() => buildAnswerFormatFromRecorded({ ok: 'str', bad: 'Tuple[str]' })).toThrow(FormatTypeError);
    expect(() => buildAnswerFormatFromRecorded({ ok: 'str', bad: 'Tuple[str]' })).toThrow(/bad: invalid type "Tuple\[str\]"/);
  });
});

describe('parseLlmAnswer', () => {
  const format = buildAnswerFormatFromRecorded({
    name: 'str',
    count: 'int',
    price: 'float',
    active: 'bool',
    tags: 'List[str]',
    address: { city: 'str', zip: 'Optional[int]' },
    rows: [{ id: 'str', amount: 'float' }],
    meta: 'dict',
    scores: 'dict[str, int]',
    anything: 'Any',
    loose: 'list',
  });

  it('fills every missing key, at any depth, with null', () => {
    expect(parseLlmAnswer(format, { address: {}, rows: [{ id: 'r1' }] })).toEqual({
      name: null,
      count: null,
      price: null,
      active: null,
      tags: null,
      address: { city: null, zip: null },
      rows: [{ id: 'r1', amount: null }],
      meta: null,
      scores: null,
      anything: null,
      loose: null,
    });
  });

  it('drops keys the format does not have, at any depth', () => {
    const answer = parseLlmAnswer(format, { name: 'n', extra: 1, address: { city: 'c', street: 's' }, rows: [{ id: 'a', more: true }] });
    expect(answer).not.toHaveProperty('extra');
    expect(answer.address).toEqual({ city: 'c', zip: null });
    expect(answer.rows).toEqual([{ id: 'a', amount: null }]);
  });

  it('keeps free-form values as given', () => {
    const answer = parseLlmAnswer(format, { meta: { a: [1, { b: null }] }, scores: { x: 1 }, anything: [true, 'y'], loose: [1, 'a', null] });
    expect(answer).toMatchObject({ meta: { a: [1, { b: null }] }, scores: { x: 1 }, anything: [true, 'y'], loose: [1, 'a', null] });
  });

  it('accepts an integer for a float field and refuses a fraction for an int field', () => {
    expect(parseLlmAnswer(format, { price: 4 }).price).toBe(4);
    expect(answerError(format, { count: 1.5 }).problems).toEqual([{ path: 'count', message: expect.stringMatching(/integer/) }]);
  });

  it.each([
    [{ name: 7 }, 'name'],
    [{ active: 'yes' }, 'active'],
    [{ tags: ['a', 2] }, 'tags[1]'],
    [{ address: { zip: 'ten' } }, 'address.zip'],
    [{ rows: [{ id: 'a' }, { amount: 'x' }] }, 'rows[1].amount'],
    [{ scores: { x: 'high' } }, 'scores.x'],
    [{ address: 'Main St' }, 'address'],
  ])('locates a wrong type in %j at %s', (answer, path) => {
    const error = answerError(format, answer);
    expect(error.problems.map((problem) => problem.path)).toEqual([path]);
    expect(error.message).toContain(`${path}: expected`);
  });

  it('does not echo a wrong string value back in the error', () => {
    const error = answerError(format, { count: 'secret-4111' });
    expect(error.message).not.toContain('secret-4111');
  });

  it('refuses an answer that is not an object', () => {
    expect(answerError(format, ['a']).problems).toHaveLength(1);
    expect(answerError(format, null).problems).toHaveLength(1);
  });

  it('accepts either member of a union and refuses anything else', () => {
    const union = buildAnswerFormatFromRecorded({ a: 'str | int' });
    expect(parseLlmAnswer(union, { a: 'x' })).toEqual({ a: 'x' });
    expect(parseLlmAnswer(union, { a: 2 })).toEqual({ a: 2 });
    expect(answerError(union, { a: true }).problems.map((problem) => problem.path)).toEqual(['a']);
  });

  it('accepts null items only where the format says Optional', () => {
    const optional = buildAnswerFormatFromRecorded({ a: 'List[Optional[str]]', b: 'List[str]' });
    expect(parseLlmAnswer(optional, { a: ['x', null] })).toEqual({ a: ['x', null], b: null });
    expect(answerError(optional, { b: ['x', null] }).problems.map((problem) => problem.path)).toEqual(['b[1]']);
  });

  it('keeps field names that are not identifiers, as recorded', () => {
    const spaced = buildAnswerFormatFromRecorded({ 'Auth Nbr': 'str' });
    expect(parseLlmAnswer(spaced, { 'Auth Nbr': 'A1' })).toEqual({ 'Auth Nbr': 'A1' });
    expect(answerError(spaced, { 'Auth Nbr': 1 }).problems.map((problem) => problem.path)).toEqual(['["Auth Nbr"]']);
  });
});
