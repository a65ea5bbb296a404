import * as z from 'zod';
import { parseFormatType } from './format-type.js';

/**
 * An `extraction_format` / `output_format` object whose type strings are checked with the
 * type-language grammar at load time (where the original builds its model at load time).
 * The value is kept as written: keys can be rewritten by variable substitution later, and
 * a runner derives the type tree with `parseFormatType` when it needs it.
 */
export const CheckedFormat = z.record(z.string(), z.unknown()).superRefine((format, ctx) => {
  const result = parseFormatType(format);
  if (result.ok) return;
  for (const problem of result.problems) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
});

/** A format object the original does not check at load time (locator, python_script). */
export const UncheckedFormat = z.record(z.string(), z.unknown());

export function checkNamesInFormat(
  names: readonly string[] | null,
  format: Record<string, unknown>,
  formatField: string,
  ctx: z.core.$RefinementCtx,
): void {
  if (names === null) return;
  names.forEach((name, index) => {
    if (!Object.hasOwn(format, name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['output_variable_names', index],
        message: `${JSON.stringify(name)} is not a key of ${formatField} (keys: ${Object.keys(format).join(', ') || 'none'})`,
      });
    }
  });
}
