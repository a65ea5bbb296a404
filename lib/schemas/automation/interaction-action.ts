import * as z from 'zod';
import {
  CheckAction,
  ClickElementAction,
  HoverAction,
  InputTextAction,
  KeyPressAction,
  SelectOptionAction,
  UncheckAction,
  UploadFileAction,
} from './locator-actions.js';
import {
  AgenticTaskAction,
  CloseAllButLastTabAction,
  CloseCurrentTabAction,
  CloseOverlayPopupAction,
  CloseTabsUntilAction,
  DownloadUrlAsPdfAction,
  GoBackAction,
  GoToUrlAction,
  ScrollAction,
  SwitchTabAction,
} from './page-actions.js';
import { EVEN_WITH_NESTED_PROBLEMS, nullOr, requireExactlyOne } from './schema-helpers.js';

const SUB_ACTIONS = {
  click_element: ClickElementAction,
  input_text: InputTextAction,
  select_option: SelectOptionAction,
  check: CheckAction,
  uncheck: UncheckAction,
  hover: HoverAction,
  download_url_as_pdf: DownloadUrlAsPdfAction,
  scroll: ScrollAction,
  upload_file: UploadFileAction,
  go_to_url: GoToUrlAction,
  go_back: GoBackAction,
  switch_tab: SwitchTabAction,
  close_current_tab: CloseCurrentTabAction,
  close_all_but_last_tab: CloseAllButLastTabAction,
  close_tabs_until: CloseTabsUntilAction,
  agentic_task: AgenticTaskAction,
  close_overlay_popup: CloseOverlayPopupAction,
  key_press: KeyPressAction,
};

export type InteractionSubAction = keyof typeof SUB_ACTIONS;
export const INTERACTION_SUB_ACTIONS = Object.keys(SUB_ACTIONS) as InteractionSubAction[];

export const InteractionAction = z
  .object({
    max_tries: z.int().default(10),
    max_timeout_seconds_per_try: z.number().default(1.0),
    verify_before_step: z.boolean().default(true),
    click_element: nullOr(ClickElementAction),
    input_text: nullOr(InputTextAction),
    select_option: nullOr(SelectOptionAction),
    check: nullOr(CheckAction),
    uncheck: nullOr(UncheckAction),
    hover: nullOr(HoverAction),
    download_url_as_pdf: nullOr(DownloadUrlAsPdfAction),
    scroll: nullOr(ScrollAction),
    upload_file: nullOr(UploadFileAction),
    go_to_url: nullOr(GoToUrlAction),
    go_back: nullOr(GoBackAction),
    switch_tab: nullOr(SwitchTabAction),
    close_current_tab: nullOr(CloseCurrentTabAction),
    close_all_but_last_tab: nullOr(CloseAllButLastTabAction),
    close_tabs_until: nullOr(CloseTabsUntilAction),
    agentic_task: nullOr(AgenticTaskAction),
    close_overlay_popup: nullOr(CloseOverlayPopupAction),
    key_press: nullOr(KeyPressAction),
  })
  .superRefine((value, ctx) => requireExactlyOne(value, INTERACTION_SUB_ACTIONS, ctx), EVEN_WITH_NESTED_PROBLEMS)
  .transform((value) => {
    // HEAD rewrites only a falsy max_tries (0) to 5 for skip_prompt actions; the Dec-2025
    // rule that forced 5 whenever skip_prompt was set no longer applies.
    const skipsPrompt =
      value.click_element?.skip_prompt === true ||
      value.input_text?.skip_prompt === true ||
      value.select_option?.skip_prompt === true;
    return value.max_tries === 0 && skipsPrompt ? { ...value, max_tries: 5 } : value;
  });
export type InteractionAction = z.output<typeof InteractionAction>;
