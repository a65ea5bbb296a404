import * as z from 'zod';
import type { Settings } from '../../../config/settings.js';

/** One message a 2FA code may be in, as the control plane lists them. */
export const TwoFaMessage = z.object({
  message_id: z.string().nullish(),
  message_text: z.string(),
  timestamp: z.string(),
});
export type TwoFaMessage = z.output<typeof TwoFaMessage>;

const MessagesAnswer = z.object({ messages: z.array(TwoFaMessage) });

export type TwoFaChannel = 'email' | 'slack' | 'sms';

/** The request body of fetch_{channel}_messages: the channel's own fields, the time window, the endpoint name. */
export type TwoFaMessageQuery = Record<string, unknown> & { start_2fa_time: string; end_2fa_time: string; endpoint_name: string };

/** The control plane has no such endpoint: waiting for messages is pointless. */
export class TwoFaEndpointMissingError extends Error {
  override name = 'TwoFaEndpointMissingError';
}

/** Lists the messages of one channel in a time window; throws when they cannot be read. */
export interface TwoFaMessageSource {
  fetch(apiKey: string, channel: TwoFaChannel, query: TwoFaMessageQuery, signal?: AbortSignal): Promise<TwoFaMessage[]>;
}

type MessageSettings = Pick<
  Settings,
  'SERVER_URL' | 'FETCH_EMAIL_MESSAGES_ENDPOINT' | 'FETCH_SLACK_MESSAGES_ENDPOINT' | 'FETCH_SMS_MESSAGES_ENDPOINT' | 'CONTROL_PLANE_TIMEOUT_SECONDS'
>;

/** The control plane's fetch_email_messages / fetch_slack_messages / fetch_sms_messages, as the original calls them. */
export function controlPlaneTwoFaMessages(settings: MessageSettings, fetchImpl: typeof fetch = fetch): TwoFaMessageSource {
  const endpoints: Record<TwoFaChannel, string> = {
    email: settings.FETCH_EMAIL_MESSAGES_ENDPOINT,
    slack: settings.FETCH_SLACK_MESSAGES_ENDPOINT,
    sms: settings.FETCH_SMS_MESSAGES_ENDPOINT,
  };
  return {
    async fetch(apiKey, channel, query, signal) {
      // urljoin(SERVER_URL, endpoint), as every other control-plane call.
      const url = new URL(endpoints[channel], settings.SERVER_URL).toString();
      const timeout = AbortSignal.timeout(settings.CONTROL_PLANE_TIMEOUT_SECONDS * 1000);
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(query),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'manual',
      });
      // A control plane without this endpoint will not grow one while the step waits.
      if (response.status === 404 || response.status === 405 || response.status === 501) {
        throw new TwoFaEndpointMissingError(`the control plane does not serve fetch_${channel}_messages (${url} answered ${response.status})`);
      }
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      const answer = MessagesAnswer.safeParse(await response.json());
      if (!answer.success) throw new Error(`${url} did not answer {"messages": [...]}`);
      return answer.data.messages;
    },
  };
}
