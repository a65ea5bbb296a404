import * as z from 'zod';
import { LLM_EXTRACTION_FIELDS, NonBlankScript } from './extraction-sub-actions.js';
import { EVEN_WITH_NESTED_PROBLEMS, nullOr, requireExactlyOne } from './schema-helpers.js';

const ASSERTION_FORMAT = { assertion_result: 'bool', assertion_reason: 'str' };

/**
 * The Dec-2025 LLM assertion was `{source, output_format, extraction_instruction}`, where
 * `output_format` was free text. The current shape has a fixed result format, so that text
 * has nowhere to go: such a recording is refused with a message naming the fields, rather
 * than migrated with part of its meaning dropped.
 * As in the original, output_variable_names is not checked against the format here (its
 * assertion model overrides the extraction check).
 */
export const LlmAssertion = z
  .object({
    ...LLM_EXTRACTION_FIELDS,
    source: LLM_EXTRACTION_FIELDS.source.unwrap().default(() => ['screenshot' as const]),
    extraction_format: LLM_EXTRACTION_FIELDS.extraction_format.default(() => ({ ...ASSERTION_FORMAT })),
    extraction_instructions: z.string().optional(),
    extraction_instruction: z.unknown().optional(),
    output_format: z.unknown().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.extraction_instructions !== undefined) return;
    if (value.extraction_instruction === undefined) {
      ctx.addIssue({ code: 'custom', path: ['extraction_instructions'], message: 'required field is missing' });
      return;
    }
    ctx.addIssue({
      code: 'custom',
      path: ['extraction_instruction'],
      message: 'renamed to extraction_instructions in the current Optexity format (Dec-2025 assertion shape)',
    });
    if (value.output_format !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['output_format'],
        message:
          'not part of the current Optexity format: an LLM assertion always answers {assertion_result: bool, assertion_reason: str}; move this text into extraction_instructions',
      });
    }
  }, EVEN_WITH_NESTED_PROBLEMS)
  .transform(({ extraction_instruction: _old, output_format: _oldFormat, extraction_instructions, ...rest }) => {
    if (extraction_instructions === undefined) return z.NEVER;
    // The original always adds the screenshot to an assertion's sources.
    const source = rest.source.includes('screenshot') ? rest.source : [...rest.source, 'screenshot' as const];
    return { ...rest, source, extraction_instructions };
  });
export type LlmAssertion = z.output<typeof LlmAssertion>;

/** Validates, but the original raises "not supported yet" when it runs. */
export const NetworkCallAssertion = z.object({
  url_pattern: nullOr(z.string()),
  header_filter: nullOr(z.record(z.string(), z.string())),
});
export type NetworkCallAssertion = z.output<typeof NetworkCallAssertion>;

/** Validates, but the original raises "not supported yet" when it runs. */
export const PythonScriptAssertion = z.object({ script: NonBlankScript });
export type PythonScriptAssertion = z.output<typeof PythonScriptAssertion>;

export const ASSERTION_SUB_ACTIONS = ['llm', 'network_call', 'python_script'] as const;
export type AssertionSubAction = (typeof ASSERTION_SUB_ACTIONS)[number];

export const AssertionAction = z
  .object({
    network_call: nullOr(NetworkCallAssertion),
    llm: nullOr(LlmAssertion),
    python_script: nullOr(PythonScriptAssertion),
  })
  .superRefine((value, ctx) => requireExactlyOne(value, ASSERTION_SUB_ACTIONS, ctx), EVEN_WITH_NESTED_PROBLEMS);
export type AssertionAction = z.output<typeof AssertionAction>;
