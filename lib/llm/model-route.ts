/**
 * Model ids as the original writes them (litellm's `provider/model`), and which of our providers
 * serves each. A bare name is an OpenAI model, as in litellm; anything after the first `/` is the
 * provider's own model name, so `openai/meta-llama/Llama-3.3-70B` reaches an OpenAI-compatible
 * server as `meta-llama/Llama-3.3-70B`.
 */
export type ProviderName = 'openai' | 'google' | 'anthropic';

export type ModelRoute = { id: string; provider: ProviderName; modelName: string };

const PROVIDER_ALIASES: Readonly<Record<string, ProviderName>> = {
  openai: 'openai',
  gemini: 'google',
  google: 'google',
  anthropic: 'anthropic',
};

export const SUPPORTED_PROVIDERS = Object.keys(PROVIDER_ALIASES);

/** Why `id` cannot be routed, or null when it can. */
export function modelRouteProblem(id: string): string | null {
  const slash = id.indexOf('/');
  if (slash === -1) return id.trim() === '' ? 'the model name is empty' : null;
  const provider = id.slice(0, slash);
  if (!(provider in PROVIDER_ALIASES)) {
    return `provider "${provider}" is not supported: use ${SUPPORTED_PROVIDERS.map((p) => `${p}/…`).join(', ')} (an OpenAI-compatible server is openai/… with a base URL)`;
  }
  if (id.slice(slash + 1).trim() === '') return `no model name after "${provider}/"`;
  return null;
}

export class ModelRouteError extends Error {
  override name = 'ModelRouteError';
}

export function routeModel(id: string): ModelRoute {
  const problem = modelRouteProblem(id);
  if (problem !== null) throw new ModelRouteError(`Model "${id}": ${problem}`);
  const slash = id.indexOf('/');
  if (slash === -1) return { id, provider: 'openai', modelName: id };
  return { id, provider: PROVIDER_ALIASES[id.slice(0, slash)] as ProviderName, modelName: id.slice(slash + 1) };
}

/** The provider segment as written (`gemini`, not `google`), for matching configured keys. */
export function providerPrefix(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? 'openai' : id.slice(0, slash);
}

type ModelChoice = { llm_provider?: string | null; llm_model_name?: string | null };

/**
 * The model one step asks, as the original picks it: the step's `llm_model_name` (as is when it
 * holds a `/`, else prefixed with the step's `llm_provider`), then the task's pair, then the
 * worker's LLM_MODEL. Null means the worker's default.
 */
export function chooseStepModel(step: ModelChoice | null | undefined, task: ModelChoice | null | undefined): string | null {
  return modelOf(step) ?? modelOf(task);
}

function modelOf(choice: ModelChoice | null | undefined): string | null {
  const name = choice?.llm_model_name?.trim();
  if (!name) return null;
  if (name.includes('/')) return name;
  const provider = choice?.llm_provider?.trim();
  return provider ? `${provider}/${name}` : name;
}
