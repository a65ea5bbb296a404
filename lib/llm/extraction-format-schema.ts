import * as z from 'zod';
import { type FormatField, type FormatType, parseFormatType } from '../schemas/automation/format-type.js';
import { formatPath, type SchemaProblem, toProblems } from '../schemas/automation/problems.js';

/** An LLM's answer once validated: every format key present, null where the model gave nothing. */
export type LlmAnswer = Record<string, unknown>;

export type JsonSchema = { [keyword: string]: unknown };

export type ObjectFormatType = Extract<FormatType, { kind: 'object' }>;

/**
 * What an LLM step needs from one `extraction_format` / `output_format`: a validator for the
 * answer and the JSON Schema to ask the model for. `strict` is false when the format uses a
 * free-form type (`dict`, `Any`, bare `list`) that OpenAI's strict structured outputs cannot
 * express; such a schema must be sent without `strict: true`.
 */
export interface AnswerFormat {
  answer: z.ZodType<LlmAnswer>;
  jsonSchema: JsonSchema;
  strict: boolean;
}

/** The model's answer does not fit the format; each problem names where (`items[2].price`). */
export class LlmAnswerError extends Error {
  override name = 'LlmAnswerError';
  readonly problems: SchemaProblem[];

  constructor(problems: SchemaProblem[]) {
    const first = problems[0];
    const summary = first === undefined ? 'invalid' : `${first.path || 'answer'}: ${first.message}`;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`The LLM answer does not match the format: ${summary}${more}`);
    this.problems = problems;
  }
}

/** A format that fails the type grammar; loading a recording refuses these first. */
export class FormatTypeError extends Error {
  override name = 'FormatTypeError';
  readonly problems: SchemaProblem[];

  constructor(problems: SchemaProblem[]) {
    super(`Invalid format: ${problems.map((p) => `${p.path || 'format'}: ${p.message}`).join('; ')}`);
    this.problems = problems;
  }
}

function answerSchemaOf(type: FormatType): z.ZodType {
  switch (type.kind) {
    case 'str':
      return z.string();
    case 'int':
      return z.int();
    case 'float':
      return z.number();
    case 'bool':
      return z.boolean();
    case 'any':
      return z.unknown();
    case 'none':
      return z.null();
    case 'dict':
      // JSON object keys are always strings, so only the value type can be checked.
      return z.record(z.string(), type.value === null ? z.unknown() : answerSchemaOf(type.value));
    case 'list':
      return z.array(type.item === null ? z.unknown() : answerSchemaOf(type.item));
    case 'optional':
      return answerSchemaOf(type.inner).nullable();
    case 'union': {
      const [first, second, ...rest] = type.options.map(answerSchemaOf);
      if (first === undefined) return z.never();
      return second === undefined ? first : z.union([first, second, ...rest]);
    }
    case 'object':
      return objectAnswerSchema(type.fields);
  }
}

/**
 * The original builds every field as `Optional[T] = None`, and pydantic ignores extra keys:
 * a missing key becomes null and an unknown one is dropped (zod objects strip by default).
 */
function objectAnswerSchema(fields: readonly FormatField[]): z.ZodType<LlmAnswer> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) shape[field.name] = answerSchemaOf(field.type).nullable().default(null);
  return z.object(shape);
}

interface JsonSchemaBuild {
  strict: boolean;
}

function jsonSchemaOf(type: FormatType, build: JsonSchemaBuild): JsonSchema {
  switch (type.kind) {
    case 'str':
      return { type: 'string' };
    case 'int':
      return { type: 'integer' };
    case 'float':
      return { type: 'number' };
    case 'bool':
      return { type: 'boolean' };
    case 'any':
      build.strict = false;
      return {};
    case 'none':
      return { type: 'null' };
    case 'dict':
      build.strict = false;
      return { type: 'object', additionalProperties: type.value === null ? true : jsonSchemaOf(type.value, build) };
    case 'list':
      if (type.item === null) {
        build.strict = false;
        return { type: 'array' };
      }
      return { type: 'array', items: jsonSchemaOf(type.item, build) };
    case 'optional':
      return nullable(jsonSchemaOf(type.inner, build));
    case 'union': {
      const options = type.options.map((option) => jsonSchemaOf(option, build));
      return options.length === 1 && options[0] !== undefined ? options[0] : { anyOf: options };
    }
    case 'object':
      return objectJsonSchema(type.fields, build);
  }
}

/**
 * Strict structured outputs need every key in `required`; optionality is spelt as a null
 * type instead, which is also how the original's `Optional[T] = None` fields serialise.
 */
function objectJsonSchema(fields: readonly FormatField[], build: JsonSchemaBuild): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of fields) properties[field.name] = nullable(jsonSchemaOf(field.type, build));
  return { type: 'object', properties, required: fields.map((field) => field.name), additionalProperties: false };
}

function acceptsNull(schema: JsonSchema): boolean {
  if (Object.keys(schema).length === 0) return true;
  const { type, anyOf } = schema;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  return Array.isArray(anyOf) && anyOf.some((option) => acceptsNull(option as JsonSchema));
}

function nullable(schema: JsonSchema): JsonSchema {
  if (acceptsNull(schema)) return schema;
  const { type, anyOf } = schema;
  if (Array.isArray(anyOf)) return { ...schema, anyOf: [...anyOf, { type: 'null' }] };
  // An object keeps its own keywords apart from null, the form OpenAI documents for nested objects.
  if (typeof type === 'string' && type !== 'object') return { ...schema, type: [type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** Builds the validator and JSON Schema of an already parsed format object. */
export function buildAnswerFormat(format: ObjectFormatType): AnswerFormat {
  const build: JsonSchemaBuild = { strict: true };
  const jsonSchema = objectJsonSchema(format.fields, build);
  return { answer: objectAnswerSchema(format.fields), jsonSchema, strict: build.strict };
}

/**
 * Builds from a format as recorded (the value kept by `CheckedFormat`), which may have been
 * rewritten by variable substitution since it was checked, so it is parsed again here.
 */
export function buildAnswerFormatFromRecorded(format: Record<string, unknown>): AnswerFormat {
  const result = parseFormatType(format);
  if (!result.ok) {
    throw new FormatTypeError(result.problems.map((p) => ({ path: formatPath(p.path), message: p.message })));
  }
  if (result.type.kind !== 'object') {
    throw new FormatTypeError([{ path: '', message: 'the format must be an object of field types' }]);
  }
  return buildAnswerFormat(result.type);
}

/** Validates a model's answer: missing keys become null, unknown keys are dropped. */
export function parseLlmAnswer(format: AnswerFormat, answer: unknown): LlmAnswer {
  const result = format.answer.safeParse(answer, { reportInput: true });
  if (!result.success) throw new LlmAnswerError(toProblems(result.error.issues));
  return result.data;
}
