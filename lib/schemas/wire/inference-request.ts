import * as z from 'zod';
import { ParameterValues, SecureParameterValues } from './primitives.js';

/** Body of `POST /inference`, field for field as the original's current revision. */
export const InferenceRequest = z
  .object({
    endpoint_name: z.string().trim().min(1, 'must not be empty'),
    input_parameters: ParameterValues,
    unique_parameter_names: z.array(z.string()).default([]),
    secure_parameters: SecureParameterValues.default({}),
    max_timeout_in_minutes: z.number().int().positive().default(10),
    use_proxy: z.boolean().default(false),
    is_dedicated: z.boolean().default(false),
    // Sent on as null when absent: the original forwards every field (pydantic model_dump).
    task_callback_url: z.url({ protocol: /^https?$/ }).nullable().default(null),
    task_callback_api_key: z.string().nullable().default(null),
    /** A remote desktop target; accepted for compatibility, this worker drives a browser only. */
    rdp_parameter: z.looseObject({ host: z.string() }).nullable().default(null),
    max_parallelism: z.number().int().positive().default(1),
    per_login_parallelism: z.number().int().positive().default(1),
    priority: z.number().int().nullable().default(null),
  })
  .superRefine((request, ctx) => {
    request.unique_parameter_names.forEach((name, index) => {
      if (!Object.hasOwn(request.input_parameters, name) && !Object.hasOwn(request.secure_parameters, name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['unique_parameter_names', index],
          message: `"${name}" is not a key of input_parameters or secure_parameters`,
        });
      }
    });
    if (request.use_proxy && request.is_dedicated) {
      ctx.addIssue({ code: 'custom', path: ['use_proxy'], message: 'use_proxy is not allowed when is_dedicated is true' });
    }
  });
export type InferenceRequest = z.infer<typeof InferenceRequest>;
