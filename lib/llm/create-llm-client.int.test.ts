import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/support/fake-llm-server.js';
import { createLlmClient, llmSettingsWithoutModel, type LlmSettings } from './create-llm-client.js';
import { buildAnswerFormatFromRecorded } from './extraction-format-schema.js';
import { LlmCallError } from './llm-client.js';

let llm: FakeLlmServer;
let fallbackLlm: FakeLlmServer;

beforeAll(async () => {
  [llm, fallbackLlm] = await Promise.all([startFakeLlmServer(), startFakeLlmServer()]);
});
afterAll(() => Promise.all([llm.close(), fallbackLlm.close()]));
beforeEach(() => {
  for (const server of [llm, fallbackLlm]) {
    server.requests.length = 0;
    server.respond(() => undefined);
  }
});

const settings = (more: Partial<LlmSettings> = {}): LlmSettings => ({
  ...llmSettingsWithoutModel(),
  LLM_MODEL: 'openai/local-model',
  LLM_MODEL_API_KEY: 'sk-primary',
  LLM_MODEL_BASE_URL: llm.baseUrl,
  LLM_MAX_RETRIES: 0,
  ...more,
});

const format = buildAnswerFormatFromRecorded({ 'Member ID': 'str', visits: 'int', items: [{ name: 'str' }] });
const call = { system: 'Read the page.', prompt: 'Page: hello', format, model: null };

describe('the LLM client over an OpenAI-compatible server', () => {
  it('sends the instructions, the prompt and the answer schema, and returns the validated answer with its token usage', async () => {
    llm.enqueue({ json: { 'Member_._ID': 'A-17', visits: 3, items: [{ name: 'x' }] }, usage: { prompt_tokens: 120, completion_tokens: 30, reasoning_tokens: 5 } });
    const reply = await createLlmClient(settings()).generate(call);

    expect(reply.answer).toEqual({ 'Member ID': 'A-17', visits: 3, items: [{ name: 'x' }] });
    expect(reply.model).toBe('openai/local-model');
    expect(reply.usage).toMatchObject({ input_tokens: 120, output_tokens: 30, thoughts_tokens: 5, total_tokens: 150, calculated_total_tokens: 155 });
    const [request] = llm.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.model).toBe('local-model');
    expect(request?.authorization).toBe('Bearer sk-primary');
    expect(request?.system).toBe('Read the page.');
    expect(request?.userText).toBe('Page: hello');
    // Spaces in keys are sent as `_._` (Anthropic refuses them) and restored in the answer.
    expect(request?.responseFormat?.type).toBe('json_schema');
    expect(Object.keys((request?.responseFormat?.json_schema?.schema.properties ?? {}) as object)).toEqual(['Member_._ID', 'visits', 'items']);
    expect(request?.responseFormat?.json_schema?.schema.required).toContain('Member_._ID');
    expect(request?.responseFormat?.json_schema?.strict).toBe(true);
  });

  it('attaches a screenshot as an image part', async () => {
    llm.enqueue({ json: { 'Member ID': null, visits: null, items: null } });
    await createLlmClient(settings()).generate({ ...call, screenshot: Buffer.from('png-bytes') });
    expect(llm.requests[0]?.images).toEqual([`data:image/png;base64,${Buffer.from('png-bytes').toString('base64')}`]);
  });

  it('sends a free-form format without strict mode', async () => {
    llm.enqueue({ json: { data: { any: 'thing' } } });
    const loose = buildAnswerFormatFromRecorded({ data: 'dict' });
    const reply = await createLlmClient(settings()).generate({ ...call, format: loose });
    expect(reply.answer).toEqual({ data: { any: 'thing' } });
    expect(llm.requests[0]?.responseFormat?.json_schema?.strict).toBe(false);
  });

  it('retries a failing request LLM_MAX_RETRIES times before giving up', async () => {
    llm.enqueue({ status: 503 }, { json: { 'Member ID': 'B', visits: 1, items: [] } });
    const reply = await createLlmClient(settings({ LLM_MAX_RETRIES: 1 })).generate(call);
    expect(reply.answer['Member ID']).toBe('B');
    expect(llm.requests).toHaveLength(2);
  });

  it('asks LLM_MODEL_FALLBACK, with its own key and server, when the model keeps failing, and bills both', async () => {
    llm.enqueue({ status: 500 });
    fallbackLlm.enqueue({ json: { 'Member ID': 'C', visits: 2, items: [] }, usage: { prompt_tokens: 50, completion_tokens: 5 } });
    const client = createLlmClient(
      settings({ LLM_MODEL_FALLBACK: 'openai/backup-model', LLM_MODEL_FALLBACK_API_KEY: 'sk-fallback', LLM_MODEL_FALLBACK_BASE_URL: fallbackLlm.baseUrl }),
    );
    const reply = await client.generate(call);
    expect(reply.model).toBe('openai/backup-model');
    expect(reply.attempts).toEqual([
      { model: 'openai/local-model', error: expect.stringMatching(/^HTTP 500: /) },
      { model: 'openai/backup-model', error: null },
    ]);
    expect(fallbackLlm.requests[0]).toMatchObject({ model: 'backup-model', authorization: 'Bearer sk-fallback' });
    expect(reply.usage.input_tokens).toBe(50);
  });

  it('treats an answer that does not fit the format as a failure, naming the field', async () => {
    llm.enqueue({ json: { 'Member ID': 5, visits: 'many', items: [] } });
    const error = await createLlmClient(settings()).generate(call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as LlmCallError).message).toBe(
      'The LLM call failed: openai/local-model: The LLM answer does not match the format: ["Member ID"]: expected a string; got the integer 5 (and 1 more)',
    );
    // The failed call was billed all the same.
    expect((error as LlmCallError).usage.input_tokens).toBe(100);
  });

  it('gives up on a request that passes LLM_TIMEOUT_SECONDS', async () => {
    llm.enqueue({ json: { 'Member ID': 'late', visits: 1, items: [] }, delayMs: 1_500 });
    const error = await createLlmClient(settings({ LLM_TIMEOUT_SECONDS: 0.3 })).generate(call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmCallError);
    expect((error as LlmCallError).attempts).toHaveLength(1);
  });

  it('a step naming a sibling model of the same provider reuses the configured key and server', async () => {
    llm.enqueue({ json: { 'Member ID': 'D', visits: 1, items: [] } });
    await createLlmClient(settings()).generate({ ...call, model: 'openai/other-model' });
    expect(llm.requests[0]).toMatchObject({ model: 'other-model', authorization: 'Bearer sk-primary' });
  });
});

describe('whether a model can be asked', () => {
  it('names LLM_MODEL_API_KEY when nothing is configured', () => {
    expect(createLlmClient(llmSettingsWithoutModel()).unavailable(null)).toBe(
      'set LLM_MODEL_API_KEY (model gemini/gemini-3.5-flash-lite; or GEMINI_API_KEY; or LLM_MODEL=openai/<model> with LLM_MODEL_BASE_URL for an OpenAI-compatible server)',
    );
  });

  it('accepts the provider key, or a base URL alone (local servers need no key)', () => {
    expect(createLlmClient({ ...llmSettingsWithoutModel(), GOOGLE_API_KEY: 'g' }).unavailable(null)).toBeNull();
    expect(createLlmClient({ ...llmSettingsWithoutModel(), LLM_MODEL: 'openai/llama', LLM_MODEL_BASE_URL: 'http://127.0.0.1:1/v1' }).unavailable(null)).toBeNull();
    expect(createLlmClient({ ...llmSettingsWithoutModel(), GOOGLE_API_KEY: 'g' }).unavailable('anthropic/claude-x')).toMatch(/^set LLM_MODEL_API_KEY \(model anthropic\/claude-x; or ANTHROPIC_API_KEY/);
  });

  it('does not take a base URL alone for a Gemini or Anthropic model: those APIs want a key', () => {
    const client = createLlmClient({ ...llmSettingsWithoutModel(), LLM_MODEL_BASE_URL: 'http://127.0.0.1:1/v1' });
    expect(client.unavailable(null)).toBe(
      'set LLM_MODEL_API_KEY (model gemini/gemini-3.5-flash-lite; or GEMINI_API_KEY; or LLM_MODEL=openai/<model> with LLM_MODEL_BASE_URL for an OpenAI-compatible server)',
    );
  });

  it('refuses a provider it has no client for, naming the ones it has', () => {
    expect(createLlmClient(settings()).unavailable('bedrock/claude')).toBe(
      'model bedrock/claude: provider "bedrock" is not supported: use openai/…, gemini/…, google/…, anthropic/… (an OpenAI-compatible server is openai/… with a base URL)',
    );
  });
});
