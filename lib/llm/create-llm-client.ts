import type { ModelMessage } from 'ai';
import { LLM_SETTING } from '../automation/action-support.js';
import type { Settings } from '../config/settings.js';
import { LlmAnswerError, parseLlmAnswer, type AnswerFormat } from './extraction-format-schema.js';
import { languageModelFor, type ModelConnection } from './language-model.js';
import { LlmCallError, type LlmAttempt, type LlmCall, type LlmClient, type LlmReply } from './llm-client.js';
import { modelRouteProblem, routeModel } from './model-route.js';
import { restoreKeys, sanitizeSchemaKeys } from './schema-keys.js';
import { addTokenUsage, emptyTokenUsage, tokenUsageOf } from './token-usage.js';

export type LlmSettings = Pick<
  Settings,
  | 'LLM_MODEL'
  | 'LLM_MODEL_API_KEY'
  | 'LLM_MODEL_BASE_URL'
  | 'LLM_MODEL_FALLBACK'
  | 'LLM_MODEL_FALLBACK_API_KEY'
  | 'LLM_MODEL_FALLBACK_BASE_URL'
  | 'GEMINI_API_KEY'
  | 'GOOGLE_API_KEY'
  | 'OPENAI_API_KEY'
  | 'ANTHROPIC_API_KEY'
  | 'LLM_TIMEOUT_SECONDS'
  | 'LLM_MAX_RETRIES'
>;

/** The settings of a worker with no model configured: every LLM step fails naming LLM_MODEL_API_KEY. */
export function llmSettingsWithoutModel(): LlmSettings {
  return { LLM_MODEL: 'gemini/gemini-3.5-flash-lite', LLM_TIMEOUT_SECONDS: 60, LLM_MAX_RETRIES: 2 };
}

/**
 * The model client built from the worker's settings: the step's model (or LLM_MODEL) with its
 * retries and time limit, then LLM_MODEL_FALLBACK when that still fails.
 */
export function createLlmClient(settings: LlmSettings): LlmClient {
  const configured = [
    { model: settings.LLM_MODEL, apiKey: settings.LLM_MODEL_API_KEY, baseURL: settings.LLM_MODEL_BASE_URL },
    ...(settings.LLM_MODEL_FALLBACK
      ? [{ model: settings.LLM_MODEL_FALLBACK, apiKey: settings.LLM_MODEL_FALLBACK_API_KEY, baseURL: settings.LLM_MODEL_FALLBACK_BASE_URL }]
      : []),
  ];

  /**
   * As the original resolves keys: the configured model itself, then any configured model of the
   * same provider (a step naming a sibling model reuses its key and server), then the provider's
   * own key.
   */
  const connectionFor = (id: string): ModelConnection => {
    const route = routeModel(id);
    const exact = configured.find((entry) => entry.model === id);
    const sibling = configured.find((entry) => routeModel(entry.model).provider === route.provider && (entry.apiKey || entry.baseURL));
    const entry = exact && (exact.apiKey || exact.baseURL) ? exact : sibling;
    const providerKey =
      route.provider === 'google' ? (settings.GEMINI_API_KEY ?? settings.GOOGLE_API_KEY) : route.provider === 'openai' ? settings.OPENAI_API_KEY : settings.ANTHROPIC_API_KEY;
    return { route, apiKey: entry?.apiKey ?? providerKey, baseURL: entry?.baseURL };
  };

  const unavailable = (model: string | null): string | null => {
    const id = model ?? settings.LLM_MODEL;
    const problem = modelRouteProblem(id);
    if (problem !== null) return `model ${id}: ${problem}`;
    const connection = connectionFor(id);
    // A base URL alone is enough for an OpenAI-compatible server (local ones need no key); the
    // Gemini and Anthropic APIs always want a key, whatever URL they are reached at.
    if (connection.apiKey || (connection.baseURL && connection.route.provider === 'openai')) return null;
    const providerKey = { google: 'GEMINI_API_KEY', openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' }[connection.route.provider];
    const server = connection.route.provider === 'openai' ? 'LLM_MODEL_BASE_URL' : 'LLM_MODEL=openai/<model> with LLM_MODEL_BASE_URL';
    return `set ${LLM_SETTING} (model ${id}; or ${providerKey}; or ${server} for an OpenAI-compatible server)`;
  };

  const ask = async (id: string, call: LlmCall, format: AnswerFormat): Promise<{ text: string; answer: unknown; usage: ReturnType<typeof tokenUsageOf> }> => {
    const { generateText, jsonSchema, Output } = await import('ai');
    const model = await languageModelFor(connectionFor(id));
    const result = await generateText({
      model,
      system: call.system,
      messages: [userMessage(call)],
      output: Output.object({ schema: jsonSchema(sanitizeSchemaKeys(format.jsonSchema)) }),
      maxRetries: settings.LLM_MAX_RETRIES,
      timeout: settings.LLM_TIMEOUT_SECONDS * 1000,
      abortSignal: call.signal,
      // OpenAI's strict mode rejects schemas with free-form fields (`dict`, `Any`).
      providerOptions: { openai: { strictJsonSchema: format.strict } },
    });
    const usage = tokenUsageOf(result.usage);
    try {
      return { text: result.text, answer: restoreKeys(result.output), usage };
    } catch (error) {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { usage });
    }
  };

  return {
    defaultModel: settings.LLM_MODEL,
    unavailable,
    async generate(call: LlmCall): Promise<LlmReply> {
      const first = call.model ?? settings.LLM_MODEL;
      const fallback = settings.LLM_MODEL_FALLBACK;
      const models = fallback && fallback !== first && unavailable(fallback) === null ? [first, fallback] : [first];
      const attempts: LlmAttempt[] = [];
      const usage = emptyTokenUsage();
      for (const id of models) {
        try {
          const reply = await ask(id, call, call.format);
          addTokenUsage(usage, reply.usage);
          const answer = parseLlmAnswer(call.format, reply.answer);
          attempts.push({ model: id, error: null });
          return { answer, text: reply.text, model: id, usage, attempts };
        } catch (error) {
          const spent = (error as { usage?: ReturnType<typeof tokenUsageOf> }).usage;
          if (spent) addTokenUsage(usage, spent);
          attempts.push({ model: id, error: describe(error) });
          // A stopped task stops here: the fallback is for a failing model, not a cancelled run.
          if (call.signal?.aborted) break;
        }
      }
      throw new LlmCallError(attempts, usage);
    },
  };
}

function userMessage(call: LlmCall): ModelMessage {
  const content: Exclude<Extract<ModelMessage, { role: 'user' }>['content'], string> = [];
  if (call.screenshot) content.push({ type: 'image', image: call.screenshot, mediaType: 'image/png' });
  if (call.pdf) content.push({ type: 'file', data: call.pdf.data, mediaType: 'application/pdf', filename: call.pdf.filename });
  content.push({ type: 'text', text: call.prompt });
  return { role: 'user', content };
}

function describe(error: unknown): string {
  if (error instanceof LlmAnswerError) return error.message;
  if (error instanceof Error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    return typeof status === 'number' ? `HTTP ${status}: ${error.message}` : error.message;
  }
  return String(error);
}
