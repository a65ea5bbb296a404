import { randomUUID } from 'node:crypto';
import * as z from 'zod';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * pydantic fields typed `X | None = None`: absent and `null` both mean "no value".
 * The output normalises absent to `null` so a runner sees one shape.
 */
export function nullOr<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

/**
 * Container rules ("exactly one of ...") must be listed together with the problems of the
 * children, so these refinements also run when a nested field failed. They only look at
 * which keys hold a non-null value, which is safe on a partially valid object.
 */
export const EVEN_WITH_NESTED_PROBLEMS: z.core.$ZodSuperRefineParams = {
  when: (payload) => isRecord(payload.value),
};

/** Keys whose value is not null/absent, in the order given (pydantic `v is not None`). */
export function setKeys(value: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((key) => value[key] !== undefined && value[key] !== null);
}

export function describeFound(found: readonly string[]): string {
  if (found.length === 0) return 'found none';
  return `found ${found.join(' and ')}`;
}

export function requireExactlyOne(
  value: Record<string, unknown>,
  keys: readonly string[],
  ctx: z.core.$RefinementCtx,
  path: PropertyKey[] = [],
): void {
  const found = setKeys(value, keys);
  if (found.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `exactly one of ${keys.join(', ')} must be set; ${describeFound(found)}`,
    });
  }
}

/** Python `str.isidentifier()` (keywords included, as in Python). */
const PY_IDENTIFIER = /^[\p{XID_Start}_]\p{XID_Continue}*$/u;

export function isPythonIdentifier(name: string): boolean {
  return PY_IDENTIFIER.test(name);
}

/** Python `str(uuid4())`, used where pydantic fills a download filename. */
export function newDownloadFilename(): string {
  return randomUUID();
}

export function quoteList(values: readonly string[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}
