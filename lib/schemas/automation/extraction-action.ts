import * as z from 'zod';
import {
  ApiCallExtraction,
  LlmExtraction,
  LocatorExtraction,
  NetworkCallExtraction,
  OcrCoordinatesExtraction,
  PdfExtraction,
  PythonScriptExtraction,
  ScreenshotExtraction,
  StateExtraction,
  VisionExtraction,
} from './extraction-sub-actions.js';
import { EVEN_WITH_NESTED_PROBLEMS, nullOr, requireExactlyOne } from './schema-helpers.js';
import { TwoFaAction } from './two-fa-action.js';

/** In the order of the original's "exactly one" message. */
export const EXTRACTION_SUB_ACTIONS = [
  'llm',
  'network_call',
  'python_script',
  'screenshot',
  'state',
  'two_fa_action',
  'pdf',
  'ocr_coordinates',
  'locator',
  'vision',
  'api_call',
] as const;
export type ExtractionSubAction = (typeof EXTRACTION_SUB_ACTIONS)[number];

export const ExtractionAction = z
  .object({
    /** Copied into every output record the extraction produces. */
    unique_identifier: nullOr(z.string()),
    allow_none: z.boolean().default(false),
    llm: nullOr(LlmExtraction),
    network_call: nullOr(NetworkCallExtraction),
    python_script: nullOr(PythonScriptExtraction),
    screenshot: nullOr(ScreenshotExtraction),
    state: nullOr(StateExtraction),
    two_fa_action: nullOr(TwoFaAction),
    pdf: nullOr(PdfExtraction),
    ocr_coordinates: nullOr(OcrCoordinatesExtraction),
    locator: nullOr(LocatorExtraction),
    vision: nullOr(VisionExtraction),
    api_call: nullOr(ApiCallExtraction),
  })
  .superRefine((value, ctx) => requireExactlyOne(value, EXTRACTION_SUB_ACTIONS, ctx), EVEN_WITH_NESTED_PROBLEMS);
export type ExtractionAction = z.output<typeof ExtractionAction>;
