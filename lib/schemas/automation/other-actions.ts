import * as z from 'zod';
import { nullOr } from './schema-helpers.js';

/** Python source defining `async def code_fn(page)`, run by the original in-process. */
export const PythonScriptAction = z.object({ execution_code: z.string() });
export type PythonScriptAction = z.output<typeof PythonScriptAction>;

/**
 * This worker's code step: `execution_code` is the source of an async JavaScript function of
 * Playwright's `page` (`async (page) => { ... }`), run with a time limit. It runs only where the
 * operator has set ALLOW_CODE_STEPS=true.
 */
export const JavascriptAction = z.object({
  execution_code: z.string().refine((code) => code.trim() !== '', 'must not be blank'),
  timeout_seconds: z.number().gt(0, 'must be greater than 0').lte(600, 'must be at most 600').default(30),
});
export type JavascriptAction = z.output<typeof JavascriptAction>;

/** Only meaningful on an RDP Windows machine; the public original never dispatches it. */
export const PowershellAction = z.object({
  commands: z.array(z.string()).min(1, 'at least one command must be provided'),
  exit_after_commands: z.boolean().default(true),
});
export type PowershellAction = z.output<typeof PowershellAction>;

export const SleepAction = z.object({ sleep_time: z.number() });
export type SleepAction = z.output<typeof SleepAction>;

export const FailStateAction = z.object({
  failure_message: z.string().default('Automation completed at one of the failure states.'),
});
export type FailStateAction = z.output<typeof FailStateAction>;

export const HumanInLoopAction = z.object({
  max_wait_time: z.number().gt(0, 'must be greater than 0').lte(600, 'must be at most 600 (seconds)'),
});
export type HumanInLoopAction = z.output<typeof HumanInLoopAction>;

const CAPTCHA_CONFIG_DEFAULTS = {
  primary_click_x_offset: 0,
  primary_click_y_offset: 0,
  grid_top_offset: 100,
  grid_bottom_trim: 100,
  max_captcha_retries: 3,
  thinking_budget_tokens: null,
};

export const CaptchaAction = z
  .object({
    locator: z.string(),
    secondary_locator: nullOr(z.string()),
    /** Seconds to wait after the trigger click for the captcha to appear. */
    wait_time: z.number().default(2.0),
    llm_provider: nullOr(z.string()),
    // Captcha grids need a stronger model than the task default, as in the original.
    llm_model_name: z.string().default('gemini/gemini-2.5-pro'),
    config: z.record(z.string(), z.unknown()).default(() => ({})),
  })
  .transform((value) => ({ ...value, config: { ...CAPTCHA_CONFIG_DEFAULTS, ...value.config } }));
export type CaptchaAction = z.output<typeof CaptchaAction>;
