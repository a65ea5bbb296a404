import type { TokenUsage } from '../schemas/wire/control-plane-requests.js';

export type { TokenUsage };

export function emptyTokenUsage(): TokenUsage {
  return {
    input_tokens: 0,
    output_tokens: 0,
    tool_use_tokens: 0,
    thoughts_tokens: 0,
    total_tokens: 0,
    calculated_total_tokens: 0,
    input_cost: 0,
    output_cost: 0,
    tool_use_cost: 0,
    thoughts_cost: 0,
    total_cost: 0,
  };
}

/** What the AI SDK reports for one call (its `LanguageModelUsage`, the fields read here). */
export type SdkUsage = {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  totalTokens: number | undefined;
  outputTokenDetails?: { reasoningTokens: number | undefined };
};

/**
 * One call's usage in the original's TokenUsage shape. Reasoning tokens are reported as
 * thoughts (providers already count them in the output tokens, so the original adds them to
 * `calculated_total_tokens` only). Costs stay 0: this worker carries no price list.
 */
export function tokenUsageOf(usage: SdkUsage): TokenUsage {
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  const thoughts = usage.outputTokenDetails?.reasoningTokens ?? 0;
  return {
    ...emptyTokenUsage(),
    input_tokens: input,
    output_tokens: output,
    thoughts_tokens: thoughts,
    total_tokens: usage.totalTokens ?? input + output,
    calculated_total_tokens: input + output + thoughts,
  };
}

/** Adds `more` into `total`, field by field, as the original's `TokenUsage.__add__`. */
export function addTokenUsage(total: TokenUsage, more: TokenUsage): void {
  for (const key of Object.keys(total) as (keyof TokenUsage)[]) total[key] += more[key];
}
