import type { Fetch2faAction } from '../../schemas/automation/fetch-2fa-action.js';
import { totp } from '../variables/totp.js';
import { waitForTwoFaCode } from './extraction/two-fa-code.js';
import type { RunState } from './run-state.js';

/** The old step has no timing fields: the current two_fa_action's defaults (max_wait_time, check_interval). */
const MAX_WAIT_SECONDS = 300;
const CHECK_INTERVAL_SECONDS = 30;

/**
 * The Dec-2025 fetch_2fa_action. A TOTP code is computed here. It is stored as a one-item list,
 * so `{name[0]}` is the whole code (the Dec-2025 original stored the bare string, so `[0]` gave
 * its first digit). An email code is read as the current two_fa_action reads one: messages from
 * the control plane's fetch_email_messages, the code picked out by the model. The old step names
 * the sender (`email_address`) and a subject; the receiver is not known, so it is left empty and
 * the subject is given to the model as an instruction.
 */
export async function runFetch2fa(state: RunState, action: Fetch2faAction): Promise<void> {
  if (action.fetch_totp_2fa_action) {
    state.generated[action.output_variable_name] = [totp(action.fetch_totp_2fa_action.totp_secret)];
    return;
  }
  const email = action.fetch_email_2fa_action;
  if (email) {
    const code = await waitForTwoFaCode(state, {
      what: 'fetch_2fa_action.fetch_email_2fa_action: reading the code from an email',
      channel: 'email',
      fields: { receiver_email_address: '', sender_email_address: email.email_address, integration_email_address: null },
      instructions: `The code is in the email whose subject contains ${JSON.stringify(email.subject)}.`,
      maxWaitSeconds: MAX_WAIT_SECONDS,
      checkIntervalSeconds: CHECK_INTERVAL_SECONDS,
      startOffsetMinutes: 0,
      endOffsetMinutes: 0,
    });
    state.generated[action.output_variable_name] = [code];
    return;
  }
  // Acceptance refuses fetch_2fa_api_call_action.
  throw new Error(`${state.nodePath}: fetch_2fa_api_call_action is not implemented`);
}
