import * as z from 'zod';
import { OVERLAY_POPUP_PROMPT } from './overlay-popup-prompt.js';
import { EVEN_WITH_NESTED_PROBLEMS, newDownloadFilename, nullOr, requireExactlyOne } from './schema-helpers.js';

export const DownloadUrlAsPdfAction = z.object({
  download_filename: z.string().default(newDownloadFilename),
  url: nullOr(z.string()),
});
export type DownloadUrlAsPdfAction = z.output<typeof DownloadUrlAsPdfAction>;

export const ScrollAction = z.object({
  down: z.boolean().default(true),
  amount: z
    .int()
    .refine((amount) => amount >= 0 || amount === -1, 'must be -1 (scroll to the end) or a non-negative number')
    .default(-1),
  prompt_instructions: nullOr(z.string()),
});
export type ScrollAction = z.output<typeof ScrollAction>;

export const GoToUrlAction = z.object({
  url: z.string(),
  new_tab: z.boolean().default(false),
});
export type GoToUrlAction = z.output<typeof GoToUrlAction>;

const EmptyAction = z.object({});
export const GoBackAction = EmptyAction;
export type GoBackAction = z.output<typeof GoBackAction>;
export const CloseCurrentTabAction = EmptyAction;
export type CloseCurrentTabAction = z.output<typeof CloseCurrentTabAction>;
export const CloseAllButLastTabAction = EmptyAction;
export type CloseAllButLastTabAction = z.output<typeof CloseAllButLastTabAction>;

export const SwitchTabAction = z.object({ tab_index: z.int() });
export type SwitchTabAction = z.output<typeof SwitchTabAction>;

export const CloseTabsUntilAction = z
  .object({ matching_url: nullOr(z.string()), tab_index: nullOr(z.int()) })
  .superRefine((value, ctx) => requireExactlyOne(value, ['matching_url', 'tab_index'], ctx), EVEN_WITH_NESTED_PROBLEMS);
export type CloseTabsUntilAction = z.output<typeof CloseTabsUntilAction>;

const AGENT_BACKENDS = ['browser_use', 'browserbase'] as const;

export const AgenticTaskAction = z.object({
  task: z.string(),
  max_steps: z.int(),
  backend: z.enum(AGENT_BACKENDS).default('browser_use'),
  use_vision: z.boolean().default(false),
  keep_alive: z.boolean().default(true),
});
export type AgenticTaskAction = z.output<typeof AgenticTaskAction>;

export const CloseOverlayPopupAction = z.object({
  task: z.string().default(OVERLAY_POPUP_PROMPT),
  max_steps: z.int().default(5),
  backend: z.enum(AGENT_BACKENDS).default('browser_use'),
  use_vision: z.boolean().default(true),
  keep_alive: z.boolean().default(true),
});
export type CloseOverlayPopupAction = z.output<typeof CloseOverlayPopupAction>;
