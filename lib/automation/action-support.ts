import type { ActionKind } from '../schemas/automation/action-kind.js';
import { PYTHON_SCRIPT_REFUSAL } from './python-code-advice.js';

/** The setting without which a step that needs an LLM fails at that step. */
export const LLM_SETTING = 'LLM_MODEL_API_KEY';
export const NEEDS_AN_LLM = `an LLM (set ${LLM_SETTING}, or LLM_MODEL_BASE_URL for an openai/… model; see docs/llm.md)`;
/** Steps the original runs with a browser-use agent; they fail at their step here. */
export const NEEDS_AN_AGENT = 'a browser agent driven by an LLM, which this worker does not have';

/**
 * Action kinds no setting can make run here, and why; a recording holding one is refused up
 * front, naming it. (python_script_action gets its own advice: see python-code-advice.ts.)
 */
export const REFUSED_ACTIONS: Partial<Record<ActionKind, string>> = {
  'assertion_action.network_call': 'network_call assertions are not supported (the original fails them at run time: "not supported yet")',
  'assertion_action.python_script': PYTHON_SCRIPT_REFUSAL,
  'extraction_action.python_script': PYTHON_SCRIPT_REFUSAL,
  'extraction_action.ocr_coordinates': 'ocr_coordinates is not supported (the original runs nothing for it)',
  'extraction_action.vision': 'vision extraction is not supported (the original runs nothing for it)',
  powershell_action: 'powershell_action needs a Windows remote desktop session; this worker drives a browser only (the original runs nothing for it either)',
  'fetch_2fa_action.fetch_2fa_api_call_action': 'fetch_2fa_api_call_action was never implemented (the original raises NotImplementedError); use extraction_action.api_call to fetch the code',
};

/**
 * Action kinds that are accepted but need something outside the recording when they run: the
 * step fails there, naming what is missing, when it is not available.
 */
export const ACTION_NEEDS: Partial<Record<ActionKind, string>> = {
  'interaction_action.agentic_task': NEEDS_AN_AGENT,
  'interaction_action.close_overlay_popup': NEEDS_AN_AGENT,
  'assertion_action.llm': NEEDS_AN_LLM,
  'extraction_action.llm': NEEDS_AN_LLM,
  'extraction_action.pdf': NEEDS_AN_LLM,
  'extraction_action.two_fa_action': `the control plane's 2FA message endpoint and ${NEEDS_AN_LLM} to read the code`,
  'fetch_2fa_action.fetch_email_2fa_action': `the control plane's fetch_email_messages endpoint and ${NEEDS_AN_LLM} to read the code`,
  'misc_action.llm_query': NEEDS_AN_LLM,
  captcha_action: NEEDS_AN_AGENT,
  human_in_loop_action: 'a person to finish the step in the browser, then POST /human_in_loop_completed to the worker',
  javascript_action: 'code steps enabled on the worker (ALLOW_CODE_STEPS=true)',
};
