import { buildAnswerFormatFromRecorded } from '../../../llm/extraction-format-schema.js';
import { chooseStepModel } from '../../../llm/model-route.js';
import { askLlm } from '../llm/ask-llm.js';
import type { RunState } from '../run-state.js';
import { llmUnavailable, StepNeedsError } from '../step-needs.js';
import { sleep } from '../wait.js';
import { TwoFaEndpointMissingError, type TwoFaChannel, type TwoFaMessage, type TwoFaMessageQuery } from './two-fa-messages.js';
import { twoFaStart } from './two-fa-start.js';

/** The original lets the model answer one code or a list (several is an error). */
const CODE_FORMAT = { code: 'str | list[str]' };

const SYSTEM = [
  'You read one-time authentication (2FA) codes out of messages.',
  'Answer only a code that is clearly meant for signing in or verifying, never other numbers (order numbers, phone numbers, dates, footers).',
  'When several messages hold a code, answer the one from the message with the latest timestamp: older ones are stale.',
  'When there is no such code, answer null.',
  'Extraction instructions, when given, come first.',
].join('\n');

export type TwoFaWait = {
  /** For errors and the "not configured" message: which step and channel. */
  what: string;
  channel: TwoFaChannel;
  /** The channel's own fields of the fetch request (addresses, numbers). */
  fields: Record<string, unknown>;
  instructions: string | null;
  maxWaitSeconds: number;
  checkIntervalSeconds: number;
  startOffsetMinutes: number;
  endOffsetMinutes: number;
};

/**
 * The original's 2FA loop: until max_wait_time has been spent, fetch the channel's messages in
 * the window [start − start offset, start + max wait + end offset], ask the model for the code,
 * and wait check_interval when there is none yet. A failed fetch counts as no messages.
 */
export async function waitForTwoFaCode(state: RunState, wait: TwoFaWait): Promise<string> {
  // The original reads the code with the task's model, never a step's.
  const model = chooseStepModel(null, state.task);
  const missing = llmUnavailable(state, wait.what, model);
  if (missing) throw missing;
  const source = state.services.twoFaMessages;
  if (!source) throw new StepNeedsError(`${state.nodePath} (${wait.what}) needs the control plane's fetch_${wait.channel}_messages endpoint, which this runtime does not have`);
  const start = twoFaStart(state);
  const query: TwoFaMessageQuery = {
    ...wait.fields,
    start_2fa_time: new Date(start.getTime() - wait.startOffsetMinutes * 60_000).toISOString(),
    end_2fa_time: new Date(start.getTime() + wait.maxWaitSeconds * 1000 + wait.endOffsetMinutes * 60_000).toISOString(),
    endpoint_name: state.task.endpoint_name,
  };
  for (let elapsed = 0; elapsed < wait.maxWaitSeconds; elapsed += wait.checkIntervalSeconds) {
    const messages = await source.fetch(state.task.api_key, wait.channel, query, state.signal).catch((error: unknown) => {
      if (error instanceof TwoFaEndpointMissingError) throw new StepNeedsError(`${state.nodePath} (${wait.what}): ${error.message}`);
      // Anything else may pass (a restart, a timeout): try again at the next check.
      state.logger.error('could not fetch 2FA messages', { step_index: state.stepIndex, channel: wait.channel, error });
      return [];
    });
    if (messages.length > 0) {
      const code = await askForCode(state, wait, model, messages);
      if (code !== null) return code;
      state.logger.info('no 2FA code in the messages yet', { step_index: state.stepIndex, messages: messages.length });
    }
    await sleep(wait.checkIntervalSeconds * 1000, state.signal);
  }
  throw new Error(`${state.nodePath} (${wait.what}): 2FA code not found`);
}

async function askForCode(state: RunState, wait: TwoFaWait, model: string | null, messages: TwoFaMessage[]): Promise<string | null> {
  // Only the text and time: ids mean nothing to the model.
  const listed = JSON.stringify(messages.map((m) => ({ message_text: m.message_text, timestamp: m.timestamp })), null, 2);
  const instructions = wait.instructions === null ? '' : `Extraction instructions:\n${wait.instructions}\n\n`;
  const reply = await askLlm(state, {
    what: wait.what,
    system: SYSTEM,
    prompt: `${instructions}Messages:\n${listed}`,
    format: buildAnswerFormatFromRecorded(CODE_FORMAT),
    model,
  });
  const code = reply.answer.code;
  if (Array.isArray(code)) {
    if (code.length > 1) throw new Error(`${state.nodePath} (${wait.what}): the messages hold ${code.length} different 2FA codes`);
    return typeof code[0] === 'string' ? code[0] : null;
  }
  return typeof code === 'string' ? code : null;
}
