import { actionKindOf } from '../schemas/automation/action-kind.js';
import type { ActionNode } from '../schemas/automation/action-node.js';
import type { Automation } from '../schemas/automation/automation.js';
import { ACTION_NEEDS, NEEDS_AN_LLM } from './action-support.js';
import { walkWithLoops } from './walk-with-loops.js';

export type Requirement = { path: string; needs: string };

const ELEMENT_ACTIONS = ['click_element', 'input_text', 'select_option', 'check', 'uncheck', 'hover', 'upload_file'] as const;

/** Element steps the original can only finish through its LLM: no usable command, or no value to enter. */
function elementRequirements(node: ActionNode, path: string): Requirement[] {
  const interaction = node.interaction_action;
  if (!interaction) return [];
  const found: Requirement[] = [];
  for (const name of ELEMENT_ACTIONS) {
    const action = interaction[name];
    if (!action || action.skip_prompt) continue;
    if (action.command === null || action.skip_command) found.push({ path: `${path}.interaction_action.${name}.prompt_instructions`, needs: NEEDS_AN_LLM });
  }
  if (interaction.input_text && interaction.input_text.input_text === null && !interaction.input_text.skip_prompt) {
    found.push({ path: `${path}.interaction_action.input_text.input_text`, needs: NEEDS_AN_LLM });
  }
  if (interaction.select_option && interaction.select_option.select_values === null && !interaction.select_option.skip_prompt) {
    found.push({ path: `${path}.interaction_action.select_option.select_values`, needs: NEEDS_AN_LLM });
  }
  return found;
}

/**
 * What an accepted recording needs, beyond a browser, when it runs: each step that will fail
 * without it, with its path. An empty list means it runs as recorded.
 */
export function recordingRequirements(automation: Automation): Requirement[] {
  const found: Requirement[] = [];
  for (const [name, entries] of Object.entries(automation.parameters.secure_parameters)) {
    entries.forEach((entry, index) => {
      const path = `parameters.secure_parameters.${name}[${index}]`;
      if (entry.onepassword) found.push({ path: `${path}.onepassword`, needs: 'a 1Password service account (set OP_SERVICE_ACCOUNT_TOKEN)' });
      if (entry.amazon_secrets_manager) found.push({ path: `${path}.amazon_secrets_manager`, needs: 'AWS credentials allowed to read the secret' });
    });
  }
  walkWithLoops(automation, (node, path) => {
    if (node.type === 'private_node') found.push({ path: `${path}.handler`, needs: `the private node handler ${JSON.stringify(node.handler)}` });
    if (node.type !== 'action_node') return;
    const kind = actionKindOf(node);
    const needs = ACTION_NEEDS[kind];
    if (needs) found.push({ path: `${path}.${kind}`, needs });
    found.push(...elementRequirements(node, path));
  });
  return found;
}
