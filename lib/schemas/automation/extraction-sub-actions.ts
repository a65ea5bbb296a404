import * as z from 'zod';
import { CheckedFormat, checkNamesInFormat, UncheckedFormat } from './format-field.js';
import { nullOr } from './schema-helpers.js';

/** Any litellm model string; null falls through to the task's model, then the worker setting. */
export const LLM_MODEL_FIELDS = {
  llm_provider: nullOr(z.string()),
  llm_model_name: nullOr(z.string()),
};

export const LLM_SOURCES = ['axtree', 'screenshot'] as const;

export const LLM_EXTRACTION_FIELDS = {
  ...LLM_MODEL_FIELDS,
  source: z.array(z.enum(LLM_SOURCES)).default(() => ['axtree' as const]),
  extraction_format: CheckedFormat,
  extraction_instructions: z.string(),
  recording_screenshot: nullOr(z.string()),
  output_variable_names: nullOr(z.array(z.string())),
  include_full_page: z.boolean().default(false),
};

export const LlmExtraction = z.object(LLM_EXTRACTION_FIELDS).superRefine((value, ctx) => {
  checkNamesInFormat(value.output_variable_names, value.extraction_format, 'extraction_format', ctx);
});
export type LlmExtraction = z.output<typeof LlmExtraction>;

const REQUEST_OR_RESPONSE = z.enum(['request', 'response']).nullable();

/**
 * The original means to fill a uuid download_filename when download_from is set, but its
 * check tests a misspelt key ("downlowd_from") and never fires; the filename stays null.
 */
export const NetworkCallExtraction = z.object({
  url_pattern: nullOr(z.string()),
  extract_from: REQUEST_OR_RESPONSE.default('response'),
  download_from: REQUEST_OR_RESPONSE.default('response'),
  download_filename: nullOr(z.string()),
});
export type NetworkCallExtraction = z.output<typeof NetworkCallExtraction>;

export const NonBlankScript = z.string().refine((script) => script.trim() !== '', 'script cannot be empty');

export const PythonScriptExtraction = z
  .object({
    script: NonBlankScript,
    extraction_format: nullOr(UncheckedFormat),
    output_variable_names: nullOr(z.array(z.string())),
    timeout_seconds: nullOr(z.number().positive('must be greater than 0')),
  })
  .superRefine((value, ctx) => {
    if (value.output_variable_names === null) return;
    if (value.extraction_format === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['extraction_format'],
        message: 'required when output_variable_names is set',
      });
      return;
    }
    checkNamesInFormat(value.output_variable_names, value.extraction_format, 'extraction_format', ctx);
  });
export type PythonScriptExtraction = z.output<typeof PythonScriptExtraction>;

export const ScreenshotExtraction = z.object({
  filename: z.string(),
  full_page: z.boolean().default(true),
});
export type ScreenshotExtraction = z.output<typeof ScreenshotExtraction>;

export const StateExtraction = z.object({});
export type StateExtraction = z.output<typeof StateExtraction>;

export const PdfExtraction = z.object({
  ...LLM_MODEL_FIELDS,
  filename: z.string(),
  extraction_format: CheckedFormat,
  extraction_instructions: z.string(),
});
export type PdfExtraction = z.output<typeof PdfExtraction>;

const BOUNDING_BOX_VARIABLES = nullOr(
  z.array(z.string()).length(4, 'must have exactly 4 elements: [x1_var, y1_var, x2_var, y2_var]'),
);

export const OcrCoordinatesExtraction = z.object({
  source_variable: z.string(),
  output_x_variable: z.string().default('coords_x'),
  output_y_variable: z.string().default('coords_y'),
  bounding_box_variables: BOUNDING_BOX_VARIABLES,
});
export type OcrCoordinatesExtraction = z.output<typeof OcrCoordinatesExtraction>;

export const VisionExtraction = z.object({
  prompt: z.string(),
  output_variable_names: z.array(z.string()),
});
export type VisionExtraction = z.output<typeof VisionExtraction>;

/**
 * Without output_variable_name the format must have exactly one key; loading the automation
 * then bakes `node{N}_output` in as both the name and that key (see bake-output-names.ts).
 */
export const LocatorExtraction = z
  .object({
    ...LLM_MODEL_FIELDS,
    command: z.string(),
    output_variable_name: nullOr(z.string()),
    extraction_format: UncheckedFormat,
    extraction_instructions: nullOr(z.string()),
  })
  .superRefine((value, ctx) => {
    const keys = Object.keys(value.extraction_format);
    if (value.output_variable_name === null) {
      if (keys.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['extraction_format'],
          message: `must contain exactly one field when output_variable_name is omitted; has ${keys.length}`,
        });
      }
    } else if (!Object.hasOwn(value.extraction_format, value.output_variable_name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['output_variable_name'],
        message: `${JSON.stringify(value.output_variable_name)} is not a key of extraction_format (keys: ${keys.join(', ') || 'none'})`,
      });
    }
  });
export type LocatorExtraction = z.output<typeof LocatorExtraction>;

export const ApiCallExtraction = z.object({
  url: z.string(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  headers: z.record(z.string(), z.string()).default(() => ({})),
  body: nullOr(z.union([z.record(z.string(), z.unknown()), z.string()])),
  query_params: z.record(z.string(), z.string()).default(() => ({})),
  output_variable_names: z.array(z.string()).default(() => ['api_result']),
  timeout: z.number().default(30),
  poll_condition: nullOr(z.string()),
  poll_interval: z.number().default(5),
  max_poll_attempts: z.int().default(10),
});
export type ApiCallExtraction = z.output<typeof ApiCallExtraction>;
