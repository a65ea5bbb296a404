import { ACTION_CONTAINERS, type ActionNode } from './action-node.js';
import { ASSERTION_SUB_ACTIONS, type AssertionSubAction } from './assertion-action.js';
import { FETCH_2FA_SUB_ACTIONS, type Fetch2faSubAction } from './fetch-2fa-action.js';
import { EXTRACTION_SUB_ACTIONS, type ExtractionSubAction } from './extraction-action.js';
import { INTERACTION_SUB_ACTIONS, type InteractionSubAction } from './interaction-action.js';
import { MISC_SUB_ACTIONS, type MiscSubAction } from './misc-action.js';

export type ActionKind =
  | `interaction_action.${InteractionSubAction}`
  | `assertion_action.${AssertionSubAction}`
  | `extraction_action.${ExtractionSubAction}`
  | `misc_action.${MiscSubAction}`
  /** An empty misc_action: valid, and the original runs nothing for it. */
  | 'misc_action.none'
  | 'python_script_action'
  | 'powershell_action'
  | 'sleep_action'
  | 'fail_state_action'
  | 'captcha_action'
  | 'human_in_loop_action'
  | `fetch_2fa_action.${Fetch2faSubAction}`
  | 'javascript_action';

function firstSet<K extends string>(container: Record<K, unknown>, keys: readonly K[]): K | undefined {
  return keys.find((key) => container[key] !== null && container[key] !== undefined);
}

/** Which action a parsed action node holds (its single container, and the sub-action in it). */
export function actionKindOf(node: ActionNode): ActionKind {
  const container = firstSet(node, ACTION_CONTAINERS);
  switch (container) {
    case 'interaction_action': {
      const sub = node.interaction_action && firstSet(node.interaction_action, INTERACTION_SUB_ACTIONS);
      if (sub) return `interaction_action.${sub}`;
      break;
    }
    case 'assertion_action': {
      const sub = node.assertion_action && firstSet(node.assertion_action, ASSERTION_SUB_ACTIONS);
      if (sub) return `assertion_action.${sub}`;
      break;
    }
    case 'extraction_action': {
      const sub = node.extraction_action && firstSet(node.extraction_action, EXTRACTION_SUB_ACTIONS);
      if (sub) return `extraction_action.${sub}`;
      break;
    }
    case 'fetch_2fa_action': {
      const sub = node.fetch_2fa_action && firstSet(node.fetch_2fa_action, FETCH_2FA_SUB_ACTIONS);
      if (sub) return `fetch_2fa_action.${sub}`;
      break;
    }
    case 'misc_action': {
      // The runtime takes the first set sub-action in this order; none is a no-op.
      const sub = node.misc_action && firstSet(node.misc_action, MISC_SUB_ACTIONS);
      return sub ? `misc_action.${sub}` : 'misc_action.none';
    }
    case undefined:
      break;
    default:
      return container;
  }
  throw new Error('actionKindOf needs an action node produced by parseAutomation');
}
