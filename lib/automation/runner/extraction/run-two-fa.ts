import type { TwoFaAction } from '../../../schemas/automation/two-fa-action.js';
import type { RunState } from '../run-state.js';
import type { TwoFaChannel } from './two-fa-messages.js';
import { waitForTwoFaCode } from './two-fa-code.js';

/** extraction_action.two_fa_action: waits for the code on its channel and stores it as `[code]`. */
export async function runTwoFaExtraction(state: RunState, action: TwoFaAction): Promise<void> {
  const { type, ...fields } = action.action;
  const channel = type.replace('_two_fa_action', '') as TwoFaChannel;
  const code = await waitForTwoFaCode(state, {
    what: `extraction_action.two_fa_action: reading the code from the ${channel} message`,
    channel,
    fields,
    instructions: action.instructions,
    maxWaitSeconds: action.max_wait_time,
    checkIntervalSeconds: action.check_interval,
    startOffsetMinutes: action.start_2fa_time_offset_minutes,
    endOffsetMinutes: action.end_2fa_time_offset_minutes,
  });
  state.generated[action.output_variable_name] = [code];
}
