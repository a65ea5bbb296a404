import * as z from 'zod';
import { EVEN_WITH_NESTED_PROBLEMS, isPythonIdentifier, isRecord, requireExactlyOne } from './schema-helpers.js';

const SECRET_TYPE = z.enum(['raw', 'totp_secret']).default('raw');

type DigitsRule = { type?: unknown; digits?: unknown };

/** `totp_secret` values are fed to TOTP and need a digit count; raw values must not have one. */
function checkDigits(value: DigitsRule, ctx: z.core.$RefinementCtx): void {
  const hasDigits = value.digits !== undefined && value.digits !== null;
  if (value.type === 'totp_secret' && !hasDigits) {
    ctx.addIssue({ code: 'custom', path: ['digits'], message: 'required when type is "totp_secret"' });
  }
  if (value.type !== 'totp_secret' && hasDigits) {
    ctx.addIssue({ code: 'custom', path: ['digits'], message: 'must be null or absent when type is "raw"' });
  }
}

export const OnePasswordParameter = z
  .object({
    vault_name: z.string(),
    item_name: z.string(),
    field_name: z.string(),
    type: SECRET_TYPE,
    digits: z.int().nullable().default(null),
  })
  .superRefine(checkDigits);
export type OnePasswordParameter = z.output<typeof OnePasswordParameter>;

export const AmazonSecretsManagerParameter = z
  .object({
    secret_name: z.string(),
    region_name: z.string(),
    /** When set, the secret string is parsed as JSON and this key is taken. */
    key: z.string().nullable().default(null),
    type: SECRET_TYPE,
    digits: z.int().nullable().default(null),
  })
  .superRefine(checkDigits);
export type AmazonSecretsManagerParameter = z.output<typeof AmazonSecretsManagerParameter>;

export const TotpParameter = z.object({
  totp_secret: z.string(),
  digits: z.int().default(6),
});
export type TotpParameter = z.output<typeof TotpParameter>;

export const SECURE_PARAMETER_KINDS = ['onepassword', 'amazon_secrets_manager', 'totp'] as const;

export const SecureParameter = z
  .object({
    onepassword: OnePasswordParameter.nullable().default(null),
    amazon_secrets_manager: AmazonSecretsManagerParameter.nullable().default(null),
    totp: TotpParameter.nullable().default(null),
  })
  .superRefine((value, ctx) => requireExactlyOne(value, SECURE_PARAMETER_KINDS, ctx), EVEN_WITH_NESTED_PROBLEMS);
export type SecureParameter = z.output<typeof SecureParameter>;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Names with a reserved meaning in the original; no recording may declare them. */
const RESERVED_PARAMETER_NAMES = new Set(['current_page_url', 'current_time', 'task_id']);
const PARAMETER_DICTS = ['input_parameters', 'generated_parameters', 'secure_parameters'] as const;

function checkParameterNames(value: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  for (const dict of PARAMETER_DICTS) {
    const entries = value[dict];
    if (!isRecord(entries)) continue;
    for (const name of Object.keys(entries)) {
      if (RESERVED_PARAMETER_NAMES.has(name)) {
        ctx.addIssue({ code: 'custom', path: [dict, name], message: `parameter name "${name}" is reserved` });
      } else if (!isPythonIdentifier(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [dict, name],
          message: `parameter name ${JSON.stringify(name)} is not a valid identifier (letters, digits and _, not starting with a digit)`,
        });
      }
    }
  }
}

export const Parameters = z
  .object({
    input_parameters: z.record(z.string(), z.array(Scalar)),
    // Required by the original, but its own human-in-loop example omits it; it is purely
    // declarative (never loaded into memory), so a missing one reads as {} (with a warning).
    generated_parameters: z.record(z.string(), z.array(Scalar.nullable())).default(() => ({})),
    secure_parameters: z.record(z.string(), z.array(SecureParameter)).default(() => ({})),
  })
  .superRefine(checkParameterNames, EVEN_WITH_NESTED_PROBLEMS);
export type Parameters = z.output<typeof Parameters>;
