import * as z from 'zod';
import { CheckedFormat, checkNamesInFormat } from './format-field.js';
import { LLM_MODEL_FIELDS } from './extraction-sub-actions.js';
import { EVEN_WITH_NESTED_PROBLEMS, nullOr } from './schema-helpers.js';

export const SetVariableAction = z
  .object({
    name: z.string(),
    value: nullOr(z.union([z.string(), z.number(), z.boolean()])),
    /** Computed after variable substitution, e.g. "{counter[0]} + 1". */
    expression: nullOr(z.string()),
    output_variable_name: nullOr(z.string()),
  })
  .superRefine((value, ctx) => {
    const hasValue = value.value !== null && value.value !== undefined;
    const hasExpression = value.expression !== null && value.expression !== undefined;
    if (hasValue === hasExpression) {
      ctx.addIssue({
        code: 'custom',
        message: `exactly one of value or expression must be set; ${hasValue ? 'both are set' : 'neither is set'}`,
      });
    }
  }, EVEN_WITH_NESTED_PROBLEMS);
export type SetVariableAction = z.output<typeof SetVariableAction>;

export const LlmQueryAction = z
  .object({
    ...LLM_MODEL_FIELDS,
    output_format: CheckedFormat,
    prompt_instructions: z.string(),
    output_variable_names: nullOr(z.array(z.string())),
  })
  .superRefine((value, ctx) => {
    checkNamesInFormat(value.output_variable_names, value.output_format, 'output_format', ctx);
  });
export type LlmQueryAction = z.output<typeof LlmQueryAction>;

export const CountLocatorAction = z.object({
  locator: z.string(),
  name: z.string(),
  locator_timeout: z.number().min(0, 'must not be negative').default(5.0),
  output_variable_name: nullOr(z.string()),
});
export type CountLocatorAction = z.output<typeof CountLocatorAction>;

/** Runs the first set sub-action in this order. */
export const MISC_SUB_ACTIONS = ['set_variable', 'llm_query', 'count_locator'] as const;
export type MiscSubAction = (typeof MISC_SUB_ACTIONS)[number];

/**
 * No "exactly one" rule in the original: the runtime takes the first set sub-action in
 * MISC_SUB_ACTIONS order, and an empty misc_action does nothing.
 */
export const MiscAction = z.object({
  set_variable: nullOr(SetVariableAction),
  llm_query: nullOr(LlmQueryAction),
  count_locator: nullOr(CountLocatorAction),
});
export type MiscAction = z.output<typeof MiscAction>;
