import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { AppError, ValidationError } from '../errors.js';
import { problemsFromZod } from './problems.js';

/** The raw body of an API Gateway v2 event as text. */
export function bodyText(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (event.body == null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Parses the JSON body and validates it; every problem is reported with its field path. */
export function parseJsonBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> {
  const text = bodyText(event);
  if (text.trim() === '') throw new AppError('BAD_JSON', 'Request body is required (JSON)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_JSON', `Request body is not valid JSON: ${(error as Error).message}`);
  }
  return validateBody(value, schema);
}

/** Validates an already-parsed body; every problem is reported with its field path. */
export function validateBody<S extends z.ZodType>(value: unknown, schema: S): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = problemsFromZod(result.error);
    const first = problems[0];
    throw new ValidationError(`Invalid request body: ${first ? `${first.path}: ${first.message}` : 'invalid'}`, problems);
  }
  return result.data;
}
