import * as z from 'zod';
import { AssertionAction } from './assertion-action.js';
import { ExtractionAction } from './extraction-action.js';
import { InteractionAction } from './interaction-action.js';
import { MiscAction } from './misc-action.js';
import {
  CaptchaAction,
  FailStateAction,
  HumanInLoopAction,
  JavascriptAction,
  PowershellAction,
  PythonScriptAction,
  SleepAction,
} from './other-actions.js';
import { Fetch2faAction } from './fetch-2fa-action.js';
import { EVEN_WITH_NESTED_PROBLEMS, nullOr, setKeys } from './schema-helpers.js';

export const ACTION_CONTAINERS = [
  'interaction_action',
  'assertion_action',
  'extraction_action',
  'python_script_action',
  'powershell_action',
  'sleep_action',
  'fail_state_action',
  'captcha_action',
  'misc_action',
  'human_in_loop_action',
  // Dec-2025 only; dropped by the current format.
  'fetch_2fa_action',
  // This worker's JavaScript code step.
  'javascript_action',
] as const;
export type ActionContainer = (typeof ACTION_CONTAINERS)[number];

const seconds0to30 = z.number().min(0, 'must be between 0 and 30').max(30, 'must be between 0 and 30');

export const ActionNode = z
  .object({
    type: z.literal('action_node'),
    interaction_action: nullOr(InteractionAction),
    assertion_action: nullOr(AssertionAction),
    extraction_action: nullOr(ExtractionAction),
    python_script_action: nullOr(PythonScriptAction),
    powershell_action: nullOr(PowershellAction),
    sleep_action: nullOr(SleepAction),
    fail_state_action: nullOr(FailStateAction),
    captcha_action: nullOr(CaptchaAction),
    misc_action: nullOr(MiscAction),
    human_in_loop_action: nullOr(HumanInLoopAction),
    fetch_2fa_action: nullOr(Fetch2faAction),
    javascript_action: nullOr(JavascriptAction),
    // Both sleeps stay undefined when absent: their defaults depend on the container (below).
    before_sleep_time: z.number().optional(),
    end_sleep_time: seconds0to30.optional(),
    expect_new_tab: z.boolean().default(false),
    max_new_tab_wait_time: seconds0to30.default(0),
    localized_axtree_string: nullOr(z.string()),
  })
  .superRefine((node, ctx) => {
    const found = setKeys(node, ACTION_CONTAINERS);
    if (found.length !== 1) {
      const what = found.length === 0 ? 'found none' : `found ${found.join(' and ')}`;
      ctx.addIssue({
        code: 'custom',
        message: `exactly one action container must be set (${ACTION_CONTAINERS.join(', ')}); ${what}`,
      });
    }
    if (node.expect_new_tab === true && (node.interaction_action === null || node.interaction_action === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['expect_new_tab'], message: 'only allowed on interaction_action nodes' });
    }
  }, EVEN_WITH_NESTED_PROBLEMS)
  .transform((node) => {
    const waitsForPage = node.assertion_action === null && node.extraction_action === null;
    return {
      ...node,
      // "Field is set" rules of the original (pydantic __pydantic_fields_set__): a value
      // written in the recording always wins, even when equal to the default.
      before_sleep_time: node.before_sleep_time ?? (node.extraction_action !== null ? 3.0 : 0.0),
      end_sleep_time: node.end_sleep_time ?? (waitsForPage ? 5.0 : 0.0),
      // Overwritten whatever the recording says (after its 0..30 range check).
      max_new_tab_wait_time: node.expect_new_tab ? 10.0 : 0.0,
    };
  });
export type ActionNode = z.output<typeof ActionNode>;
