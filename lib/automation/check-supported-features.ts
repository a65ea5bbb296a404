import type { Problem } from '../errors.js';
import { actionKindOf, type ActionKind } from '../schemas/automation/action-kind.js';
import type { ActionNode } from '../schemas/automation/action-node.js';
import type { Automation } from '../schemas/automation/automation.js';
import { playwrightKey } from './runner/interaction/key-names.js';
import { walkWithLoops } from './walk-with-loops.js';

const NEEDS_LLM = 'needs an LLM, which this worker does not provide yet';

/** Action kinds this worker refuses, and why: each is named when a recording is refused. */
const UNSUPPORTED: Partial<Record<ActionKind, string>> = {
  'interaction_action.agentic_task': `an agentic task ${NEEDS_LLM}`,
  'interaction_action.close_overlay_popup': `closing overlay popups is an agentic task that ${NEEDS_LLM}`,
  'assertion_action.llm': `an LLM assertion ${NEEDS_LLM}`,
  'assertion_action.network_call': 'network_call assertions are not supported (the original does not run them either)',
  'assertion_action.python_script': 'python_script assertions are not supported (the original does not run them either)',
  'extraction_action.llm': `LLM extraction ${NEEDS_LLM}`,
  'extraction_action.pdf': `PDF extraction ${NEEDS_LLM}`,
  'extraction_action.two_fa_action': 'two_fa_action (email/slack/sms codes) is not supported by this worker yet',
  'extraction_action.api_call': 'api_call extraction is not supported by this worker yet',
  'extraction_action.python_script': 'python_script runs Python code, which this worker does not run',
  'extraction_action.ocr_coordinates': 'ocr_coordinates is not supported (the original runs nothing for it)',
  'extraction_action.vision': 'vision extraction is not supported (the original runs nothing for it)',
  'misc_action.llm_query': `llm_query ${NEEDS_LLM}`,
  python_script_action: 'python_script_action runs Python code, which this worker does not run',
  powershell_action: 'powershell_action is not supported (the original runs nothing for it)',
  captcha_action: `captcha solving ${NEEDS_LLM}`,
  human_in_loop_action: 'human_in_loop_action is not supported by this worker yet',
};

type ElementFields = { command: string | null; skip_command: boolean; skip_prompt: boolean };

/** An element action that can only find its element through the prompt needs the LLM path. */
function elementProblems(node: ActionNode, path: string): Problem[] {
  const interaction = node.interaction_action;
  if (!interaction) return [];
  const problems: Problem[] = [];
  const actions: [string, ElementFields | null][] = [
    ['click_element', interaction.click_element],
    ['input_text', interaction.input_text],
    ['select_option', interaction.select_option],
    ['check', interaction.check],
    ['uncheck', interaction.uncheck],
    ['hover', interaction.hover],
    ['upload_file', interaction.upload_file],
  ];
  for (const [name, action] of actions) {
    if (!action || action.skip_prompt) continue;
    if (action.command === null || action.skip_command) {
      problems.push({ path: `${path}.interaction_action.${name}`, message: `has no command to run (or skip_command is set), so finding the element from prompt_instructions ${NEEDS_LLM}; record a command or set skip_prompt` });
    }
  }
  const input = interaction.input_text;
  if (input && input.input_text === null && !input.skip_prompt) {
    problems.push({ path: `${path}.interaction_action.input_text.input_text`, message: `is null, so predicting the text ${NEEDS_LLM}` });
  }
  const select = interaction.select_option;
  if (select && select.select_values === null && !select.skip_prompt) {
    problems.push({ path: `${path}.interaction_action.select_option.select_values`, message: `is null, so predicting the values ${NEEDS_LLM}` });
  }
  const keyPress = interaction.key_press;
  if (keyPress) {
    const keys = typeof keyPress.type === 'string' ? [keyPress.type] : keyPress.type;
    keys.forEach((key, index) => {
      // A key written as a placeholder is checked when it is pressed.
      if (!key.includes('{') && playwrightKey(key) === undefined) {
        problems.push({ path: `${path}.interaction_action.key_press.type${typeof keyPress.type === 'string' ? '' : `[${index}]`}`, message: `the key ${JSON.stringify(key)} cannot be pressed in a browser` });
      }
    });
  }
  return problems;
}

/** Refuses, up front and by name, every part of a recording this worker cannot run. */
export function checkSupportedFeatures(automation: Automation): Problem[] {
  const problems: Problem[] = [];
  walkWithLoops(automation, (node, path) => {
    if (node.type === 'private_node') {
      problems.push({ path: `${path}.handler`, message: `no private node handler named ${JSON.stringify(node.handler)} is registered in this worker` });
      return;
    }
    if (node.type !== 'action_node') return;
    const kind = actionKindOf(node);
    const reason = UNSUPPORTED[kind];
    if (reason) problems.push({ path: `${path}.${kind}`, message: reason });
    else problems.push(...elementProblems(node, path));
  });
  return problems;
}

export function secureKindProblem(entry: { onepassword: unknown; amazon_secrets_manager: unknown }): string {
  if (entry.onepassword) return '1Password secure parameters are not supported by this worker yet';
  if (entry.amazon_secrets_manager) return 'AWS Secrets Manager secure parameters are not supported by this worker yet';
  return 'this kind of secure parameter is not supported';
}
