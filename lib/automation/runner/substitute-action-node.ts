import type { ActionNode } from '../../schemas/automation/action-node.js';
import { hasAnyVariable, stripDoubleQuotes, substituteVariables, type VariableSources } from '../variables/substitute-variables.js';

/**
 * A copy of an action node with `{name[i]}` placeholders filled in the fields the original
 * substitutes. Locator commands are left as templates: they are parsed first and filled in
 * afterwards (resolve-locator.ts), so a value cannot change a locator's shape.
 */
export function substituteActionNode(node: ActionNode, sources: VariableSources): ActionNode {
  const copy = structuredClone(node);
  const sub = (text: string) => substituteVariables(text, sources);
  // The original strips '"' from these values whenever any variable exists at all.
  const strip = hasAnyVariable(sources);
  const value = (text: string) => (strip ? stripDoubleQuotes(sub(text)) : sub(text));
  const optional = (text: string | null) => (text === null ? null : value(text));

  const interaction = copy.interaction_action;
  if (interaction) {
    for (const base of [interaction.click_element, interaction.input_text, interaction.select_option, interaction.check, interaction.uncheck, interaction.hover, interaction.key_press]) {
      if (!base) continue;
      base.prompt_instructions = sub(base.prompt_instructions);
      if (base.xpath !== null) base.xpath = sub(base.xpath);
      if (base.keyword !== null) base.keyword = sub(base.keyword);
    }
    const { click_element: click, input_text: input, select_option: select } = interaction;
    if (click) click.download_filename = optional(click.download_filename);
    if (input) input.input_text = optional(input.input_text);
    if (select) {
      select.download_filename = optional(select.download_filename);
      if (select.select_values) select.select_values = select.select_values.map(value);
    }
    if (interaction.key_press && typeof interaction.key_press.type === 'string') interaction.key_press.type = sub(interaction.key_press.type);
    if (interaction.go_to_url) interaction.go_to_url.url = value(interaction.go_to_url.url);
    if (interaction.upload_file) {
      interaction.upload_file.file_path = optional(interaction.upload_file.file_path);
      interaction.upload_file.file_url = optional(interaction.upload_file.file_url);
    }
    if (interaction.download_url_as_pdf) interaction.download_url_as_pdf.download_filename = value(interaction.download_url_as_pdf.download_filename);
    if (interaction.close_tabs_until) interaction.close_tabs_until.matching_url = optional(interaction.close_tabs_until.matching_url);
    if (interaction.scroll?.prompt_instructions) interaction.scroll.prompt_instructions = sub(interaction.scroll.prompt_instructions);
  }

  const extraction = copy.extraction_action;
  if (extraction) {
    if (extraction.unique_identifier !== null) extraction.unique_identifier = sub(extraction.unique_identifier);
    if (extraction.llm) extraction.llm.extraction_instructions = sub(extraction.llm.extraction_instructions);
    const twoFa = extraction.two_fa_action;
    if (twoFa) {
      if (twoFa.instructions !== null) twoFa.instructions = sub(twoFa.instructions);
      const channel = twoFa.action;
      if (channel.type === 'email_two_fa_action') {
        channel.receiver_email_address = sub(channel.receiver_email_address);
        channel.sender_email_address = sub(channel.sender_email_address);
        if (channel.integration_email_address !== null) channel.integration_email_address = sub(channel.integration_email_address);
      } else if (channel.type === 'slack_two_fa_action') {
        channel.slack_workspace_domain = sub(channel.slack_workspace_domain);
        channel.channel_name = sub(channel.channel_name);
        channel.sender_name = sub(channel.sender_name);
      } else {
        channel.from_number = sub(channel.from_number);
        channel.to_number = sub(channel.to_number);
      }
    }
    const locator = extraction.locator;
    if (locator) {
      if (locator.output_variable_name !== null) locator.output_variable_name = sub(locator.output_variable_name);
      locator.extraction_format = Object.fromEntries(Object.entries(locator.extraction_format).map(([key, type]) => [sub(key), type]));
    }
    const apiCall = extraction.api_call;
    if (apiCall) {
      // No '"' stripping here: a JSON body or header value may hold quotes on purpose.
      apiCall.url = sub(apiCall.url);
      apiCall.headers = substituteStrings(apiCall.headers, sub);
      apiCall.query_params = substituteStrings(apiCall.query_params, sub);
      apiCall.body = substituteStrings(apiCall.body, sub);
      if (apiCall.poll_condition !== null) apiCall.poll_condition = sub(apiCall.poll_condition);
    }
  }

  const totp = copy.fetch_2fa_action?.fetch_totp_2fa_action;
  if (totp) totp.totp_secret = sub(totp.totp_secret);

  if (copy.fail_state_action) copy.fail_state_action.failure_message = sub(copy.fail_state_action.failure_message);
  const misc = copy.misc_action;
  if (misc?.set_variable) {
    misc.set_variable.name = sub(misc.set_variable.name);
    if (misc.set_variable.expression !== null) misc.set_variable.expression = sub(misc.set_variable.expression);
    if (misc.set_variable.output_variable_name !== null) misc.set_variable.output_variable_name = sub(misc.set_variable.output_variable_name);
  }
  if (misc?.llm_query) misc.llm_query.prompt_instructions = sub(misc.llm_query.prompt_instructions);
  if (copy.assertion_action?.llm) copy.assertion_action.llm.extraction_instructions = sub(copy.assertion_action.llm.extraction_instructions);
  if (misc?.count_locator) {
    misc.count_locator.name = sub(misc.count_locator.name);
    if (misc.count_locator.output_variable_name !== null) misc.count_locator.output_variable_name = sub(misc.count_locator.output_variable_name);
  }
  return copy;
}

/** Every string inside a JSON value with its placeholders filled in (keys are left as written). */
export function substituteStrings<T>(value: T, sub: (text: string) => string): T {
  if (typeof value === 'string') return sub(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => substituteStrings(item, sub)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteStrings(item, sub)])) as T;
  }
  return value;
}
