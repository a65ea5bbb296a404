import * as z from 'zod';

/** A timestamp that carries its timezone (`Z` or `+hh:mm`), as the original requires. */
export const AwareDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a timezone' });

/** One recorded parameter value: the original accepts str | int | float | bool. */
export const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);

/** `{name: [value, ...]}`: every parameter is a list, addressed in recordings as `{name[i]}`. */
export const ParameterValues = z.record(z.string(), z.array(ParameterValue));
export type ParameterValues = z.infer<typeof ParameterValues>;

/**
 * A secure parameter (1Password, AWS Secrets Manager or a TOTP secret). Its shape is checked by
 * the automation schema when the task is accepted; here it only has to be an object.
 */
export const SecureParameterValues = z.record(z.string(), z.array(z.looseObject({})));
export type SecureParameterValues = z.infer<typeof SecureParameterValues>;
