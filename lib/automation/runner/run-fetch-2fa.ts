import type { Fetch2faAction } from '../../schemas/automation/fetch-2fa-action.js';
import { totp } from '../variables/totp.js';
import type { RunState } from './run-state.js';
import { llmUnavailable, StepNeedsError } from './step-needs.js';

/**
 * The Dec-2025 fetch_2fa_action. A TOTP code is computed here. It is stored as a one-item list,
 * so `{name[0]}` is the whole code (the Dec-2025 original stored the bare string, so `[0]` gave
 * its first digit). An email code needs the message fetch and an LLM to read it.
 */
export async function runFetch2fa(state: RunState, action: Fetch2faAction): Promise<void> {
  if (action.fetch_totp_2fa_action) {
    state.generated[action.output_variable_name] = [totp(action.fetch_totp_2fa_action.totp_secret)];
    return;
  }
  if (action.fetch_email_2fa_action) throw llmUnavailable(state, 'fetch_2fa_action.fetch_email_2fa_action: reading the code from an email') ?? new StepNeedsError('TODO-LLM');
  // Acceptance refuses fetch_2fa_api_call_action.
  throw new Error(`${state.nodePath}: fetch_2fa_api_call_action is not implemented`);
}
