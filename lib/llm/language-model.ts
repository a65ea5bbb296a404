import type { LanguageModel } from 'ai';
import type { ModelRoute } from './model-route.js';

export type ModelConnection = { route: ModelRoute; apiKey: string | undefined; baseURL: string | undefined };

/**
 * The AI SDK model for a route. Providers are imported on first use, so a process that never
 * asks a model never loads them. OpenAI models go through Chat Completions (not the Responses
 * API) because that is the protocol every OpenAI-compatible server speaks.
 */
export async function languageModelFor({ route, apiKey, baseURL }: ModelConnection): Promise<LanguageModel> {
  switch (route.provider) {
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      // A local OpenAI-compatible server often needs no key, but the SDK insists on one.
      return createOpenAI({ apiKey: apiKey ?? (baseURL ? 'not-needed' : undefined), baseURL }).chat(route.modelName);
    }
    case 'google': {
      const { createGoogleGenerativeAI } = await import('@ai-sdk/google');
      return createGoogleGenerativeAI({ apiKey, baseURL })(route.modelName);
    }
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return createAnthropic({ apiKey, baseURL })(route.modelName);
    }
  }
}
