import * as z from 'zod';
import { EVEN_WITH_NESTED_PROBLEMS, requireExactlyOne } from './schema-helpers.js';

/** Dec-2025 only: a code read from a Gmail inbox by subject. */
export const FetchEmail2FaAction = z.object({
  email_address: z.string(),
  subject: z.string(),
  service: z.literal('gmail'),
});

/** Dec-2025 only: a TOTP code computed from a base32 secret (usually `{secret[0]}`). */
export const FetchTotp2FaAction = z.object({ totp_secret: z.string() });

/** Dec-2025 only; the original never implemented it (it raises NotImplementedError). */
export const Fetch2faApiCallAction = z.object({
  api_call_url: z.string(),
  api_call_method: z.enum(['GET', 'POST']),
  api_call_headers: z.record(z.string(), z.unknown()),
  api_call_body: z.record(z.string(), z.unknown()),
});

export const FETCH_2FA_SUB_ACTIONS = ['fetch_email_2fa_action', 'fetch_totp_2fa_action', 'fetch_2fa_api_call_action'] as const;
export type Fetch2faSubAction = (typeof FETCH_2FA_SUB_ACTIONS)[number];

/**
 * The Dec-2025 `fetch_2fa_action` container. The current format dropped it (its recordings then
 * fail there with "no action provided"); it is accepted here so those recordings keep running.
 */
export const Fetch2faAction = z
  .object({
    fetch_email_2fa_action: FetchEmail2FaAction.nullable().default(null),
    fetch_totp_2fa_action: FetchTotp2FaAction.nullable().default(null),
    fetch_2fa_api_call_action: Fetch2faApiCallAction.nullable().default(null),
    output_variable_name: z.string(),
  })
  .superRefine((value, ctx) => requireExactlyOne(value, FETCH_2FA_SUB_ACTIONS, ctx), EVEN_WITH_NESTED_PROBLEMS);
export type Fetch2faAction = z.output<typeof Fetch2faAction>;
