import * as z from 'zod';
import { nullOr } from './schema-helpers.js';

export const EmailTwoFaAction = z.object({
  type: z.literal('email_two_fa_action'),
  receiver_email_address: z.string(),
  sender_email_address: z.string(),
  integration_email_address: nullOr(z.string()),
});
export type EmailTwoFaAction = z.output<typeof EmailTwoFaAction>;

export const SlackTwoFaAction = z.object({
  type: z.literal('slack_two_fa_action'),
  slack_workspace_domain: z.string(),
  channel_name: z.string(),
  sender_name: z.string(),
});
export type SlackTwoFaAction = z.output<typeof SlackTwoFaAction>;

export const SmsTwoFaAction = z.object({
  type: z.literal('sms_two_fa_action'),
  from_number: z.string(),
  to_number: z.string(),
});
export type SmsTwoFaAction = z.output<typeof SmsTwoFaAction>;

/** extraction_action.two_fa_action: waits for a one-time code delivered by email, Slack or SMS. */
export const TwoFaAction = z.object({
  action: z.discriminatedUnion('type', [EmailTwoFaAction, SlackTwoFaAction, SmsTwoFaAction]),
  instructions: nullOr(z.string()),
  output_variable_name: z.string(),
  max_wait_time: z.number().default(300),
  check_interval: z.number().default(30),
  start_2fa_time_offset_minutes: z.number().default(0),
  end_2fa_time_offset_minutes: z.number().default(0),
});
export type TwoFaAction = z.output<typeof TwoFaAction>;
