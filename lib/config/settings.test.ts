import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { loadSettings } from './settings.js';

const files = (content: Record<string, string>) => (path: string) => {
  const text = content[path];
  if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return text;
};

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected loadSettings to throw');
}

describe('loadSettings', () => {
  it('uses the development defaults and the original defaults when ENV_PATH is unset', () => {
    const { settings, usedDevDefaults } = loadSettings({});
    expect(usedDevDefaults).toBe(true);
    expect(settings.DEPLOYMENT).toBe('dev');
    expect(settings.SERVER_URL).toBe('http://localhost:8000');
    expect(settings.INFERENCE_ENDPOINT).toBe('api/v1/inference');
    expect(settings.SAVE_DOWNLOADS_ENDPOINT).toBe('api/v1/save_downloads');
    expect(settings.CALLBACK_ENDPOINT).toBe('api/v1/callback');
    expect(settings.CHILD_PORT_OFFSET).toBe(9000);
  });

  it('reads the env file named by ENV_PATH and lets the process environment override it', () => {
    const readFile = files({ '/etc/worker.env': 'API_KEY=file-key-123\nDEPLOYMENT=prod\nCHILD_PORT_OFFSET=9100\n' });
    const { settings, usedDevDefaults } = loadSettings({ ENV_PATH: '/etc/worker.env', CHILD_PORT_OFFSET: '9200' }, readFile);
    expect(usedDevDefaults).toBe(false);
    expect(settings.API_KEY).toBe('file-key-123');
    expect(settings.DEPLOYMENT).toBe('prod');
    expect(settings.CHILD_PORT_OFFSET).toBe(9200);
  });

  it('accepts OPTEXITY_API_KEY and lower-case keys as the original does', () => {
    const readFile = files({ '/e': 'optexity_api_key=alias-key-123\ndeployment=dev\n' });
    expect(loadSettings({ ENV_PATH: '/e' }, readFile).settings.API_KEY).toBe('alias-key-123');
  });

  it('lists every missing setting in one message when an env file is used', () => {
    const message = problemsOf(() => loadSettings({ ENV_PATH: '/e' }, files({ '/e': '# empty\n' })));
    expect(message).toContain('API_KEY: required');
    expect(message).toContain('DEPLOYMENT: required');
  });

  it('names every invalid value together with an unreadable env file', () => {
    const message = problemsOf(() => loadSettings({ ENV_PATH: '/nope', SERVER_URL: 'ftp://x', CHILD_PORT_OFFSET: 'abc', DEPLOYMENT: 'staging', API_KEY: 'long-enough-key' }, files({})));
    expect(message).toContain('ENV_PATH /nope: cannot be read (ENOENT)');
    expect(message).toMatch(/SERVER_URL: /);
    expect(message).toMatch(/CHILD_PORT_OFFSET: /);
    expect(message).toMatch(/DEPLOYMENT: /);
  });

  it('refuses a model whose provider has no client, naming the ones that work, and a base URL that is not http(s)', () => {
    const message = problemsOf(() => loadSettings({ LLM_MODEL: 'bedrock/claude-3', LLM_MODEL_FALLBACK: 'openai/', LLM_MODEL_BASE_URL: 'file:///tmp/x' }));
    expect(message).toContain('LLM_MODEL: provider "bedrock" is not supported: use openai/…, gemini/…, google/…, anthropic/…');
    expect(message).toContain('LLM_MODEL_FALLBACK: no model name after "openai/"');
    expect(message).toMatch(/LLM_MODEL_BASE_URL: /);
  });

  it('reads the model settings, with the original defaults', () => {
    expect(loadSettings({}).settings).toMatchObject({ LLM_MODEL: 'gemini/gemini-3.5-flash-lite', LLM_TIMEOUT_SECONDS: 60, LLM_MAX_RETRIES: 2 });
    const { settings } = loadSettings({ LLM_MODEL: 'llama3', llm_model_base_url: 'http://127.0.0.1:11434/v1', LLM_MAX_RETRIES: '0' });
    expect(settings).toMatchObject({ LLM_MODEL: 'llama3', LLM_MODEL_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MAX_RETRIES: 0 });
  });

  it('refuses the built-in development key in production', () => {
    expect(problemsOf(() => loadSettings({ DEPLOYMENT: 'prod' }))).toContain('API_KEY: the built-in development key cannot be used with DEPLOYMENT=prod');
  });

  // Task folders: the original deletes them unless DEPLOYMENT=dev. Traces add about a third to a run.
  it.each(['KEEP_TASK_FILES', 'TASK_TRACE'] as const)('%s is on by default only in dev; an explicit value wins, in any case of the name', (name) => {
    const key = { API_KEY: 'long-enough-key' };
    expect(loadSettings({ ...key, DEPLOYMENT: 'dev' }).settings[name]).toBe(true);
    expect(loadSettings({ ...key, DEPLOYMENT: 'prod' }).settings[name]).toBe(false);
    expect(loadSettings({ ...key, DEPLOYMENT: 'prod', [name]: 'true' }).settings[name]).toBe(true);
    expect(loadSettings({ ...key, DEPLOYMENT: 'dev', [name.toLowerCase()]: 'no' }).settings[name]).toBe(false);
    expect(problemsOf(() => loadSettings({ ...key, DEPLOYMENT: 'prod', [name]: 'maybe' }))).toMatch(new RegExp(`${name}: `));
  });

  it.each(['TASK_THREAD', 'STEP_SCREENSHOTS'] as const)('%s is on in every deployment unless it says otherwise, in any case of the name', (name) => {
    const key = { API_KEY: 'long-enough-key' };
    expect(loadSettings({ ...key, DEPLOYMENT: 'dev' }).settings[name]).toBe(true);
    expect(loadSettings({ ...key, DEPLOYMENT: 'prod' }).settings[name]).toBe(true);
    for (const off of ['false', '0', 'no']) expect(loadSettings({ ...key, DEPLOYMENT: 'prod', [name.toLowerCase()]: off }).settings[name]).toBe(false);
    expect(problemsOf(() => loadSettings({ ...key, DEPLOYMENT: 'prod', [name]: 'off' }))).toMatch(new RegExp(`${name}: `));
  });
});
