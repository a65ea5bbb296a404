import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { AppError } from '../errors.js';
import { parseDotenv } from './dotenv.js';
import { modelRouteProblem } from '../llm/model-route.js';

/**
 * The one reader of ENV_PATH and the process environment. Names and defaults follow the original
 * worker's settings; keys are matched case-insensitively as pydantic-settings does, and the
 * process environment overrides the env file.
 */
const endpoint = (path: string) => z.string().min(1).default(path);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A boolean whose default depends on other settings: unset stays unset until the object is read. */
const optionalBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .optional()
  .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1' || value === 'yes'));

const modelId = z
  .string()
  .min(1)
  .refine((value) => modelRouteProblem(value) === null, { error: (issue) => modelRouteProblem(String(issue.input)) ?? 'invalid model' });

const SettingsObject = z.object({
  /** `host:port` is taken as `http://host:port`: the original's AWS mode requires SERVER_URL without a scheme. */
  SERVER_URL: z
    .preprocess((value) => (typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? `http://${value}` : value), z.url({ protocol: /^https?$/ }))
    .default('http://localhost:8000'),
  HEALTH_ENDPOINT: endpoint('api/v1/health'),
  INFERENCE_ENDPOINT: endpoint('api/v1/inference'),
  START_TASK_ENDPOINT: endpoint('api/v1/start_task'),
  COMPLETE_TASK_ENDPOINT: endpoint('api/v1/complete_task'),
  SAVE_OUTPUT_DATA_ENDPOINT: endpoint('api/v1/save_output_data'),
  SAVE_DOWNLOADS_ENDPOINT: endpoint('api/v1/save_downloads'),
  SAVE_TRAJECTORY_ENDPOINT: endpoint('api/v1/save_trajectory'),
  CALLBACK_ENDPOINT: endpoint('api/v1/callback'),
  HUMAN_IN_LOOP_ENDPOINT: endpoint('api/v1/human_in_loop'),
  REQUEST_DOWNLOAD_UPLOAD_URLS_ENDPOINT: endpoint('api/v1/request_download_upload_urls'),
  CONFIRM_DOWNLOADS_ENDPOINT: endpoint('api/v1/confirm_downloads'),
  INITIATE_CALLBACK_ENDPOINT: endpoint('api/v1/initiate_callback'),
  /** Where 2FA steps read the messages a code arrives in (email, Slack, SMS). */
  FETCH_EMAIL_MESSAGES_ENDPOINT: endpoint('api/v1/fetch_email_messages'),
  FETCH_SLACK_MESSAGES_ENDPOINT: endpoint('api/v1/fetch_slack_messages'),
  FETCH_SMS_MESSAGES_ENDPOINT: endpoint('api/v1/fetch_sms_messages'),
  /** `{recording_id}` is replaced; the recording is fetched again right before each run. */
  GET_RECORDING_ENDPOINT: endpoint('api/v1/recording/{recording_id}'),
  /** Signs callback bodies (HMAC-SHA256) so receivers can check they came from here. */
  CALLBACK_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  API_KEY: z.string().min(8, 'must be at least 8 characters'),
  CHILD_PORT_OFFSET: z.coerce.number().int().min(1).max(65535).default(9000),
  DEPLOYMENT: z.enum(['dev', 'prod']),
  /** Where the embedded control plane keeps its SQLite file and uploaded files. */
  DATA_DIR: z.string().min(1).default('./.data'),
  /** Recordings served by the embedded control plane: `{endpoint_name}.json` files. */
  AUTOMATIONS_DIR: z.string().min(1).default('./automations'),
  /** `auto` runs it in-process when SERVER_URL points at this machine. */
  EMBEDDED_CONTROL_PLANE: z.enum(['auto', 'on', 'off']).default('auto'),
  /** Another Chromium binary (e.g. Debian's /usr/bin/chromium) instead of @sparticuz/chromium. */
  CHROMIUM_PATH: z.string().min(1).optional(),
  DOWNLOAD_TIMEOUT_SECONDS: z.coerce.number().positive().default(200),
  /** On SIGTERM/SIGINT the running task may finish within this; then it is stopped as `killed`. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(30),
  /** Seconds the control-plane client waits for one request. */
  CONTROL_PLANE_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** `auto`: readable lines when stderr is a terminal, JSON lines otherwise (files, log collectors). */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** Reports waiting to be delivered; default `DATA_DIR/worker-outbox/{child process id}`. */
  OUTBOX_DIR: z.string().min(1).optional(),
  /** First wait before sending a report again; doubles (with jitter) up to the maximum. */
  OUTBOX_RETRY_BASE_SECONDS: z.coerce.number().positive().default(1),
  OUTBOX_RETRY_MAX_SECONDS: z.coerce.number().positive().default(300),
  /** How long shutdown waits for pending reports before leaving them on disk for the next start. */
  OUTBOX_FLUSH_SECONDS: z.coerce.number().min(0).default(10),
  /**
   * Keep each task's local directory after it has been reported. Unset, it follows DEPLOYMENT as
   * in the original (kept in dev for inspection, removed otherwise so the disk does not fill).
   */
  KEEP_TASK_FILES: optionalBool,
  /**
   * Record a Playwright trace of each task in its logs/trace.zip (sent with the trajectory).
   * Unset, it follows DEPLOYMENT: on in dev, off otherwise.
   */
  TASK_TRACE: optionalBool,
  /**
   * Run each task's browser work (Playwright, the runner) in a worker thread of its own, so the
   * HTTP routes answer on a main thread the task never holds. Off: the task runs on the main thread.
   */
  TASK_THREAD: bool(true),
  /**
   * Keep a screenshot of the page as each step began (logs/step_N/screenshot.png), as the
   * original does. Off, a run skips Chromium's capture and encoding of a frame per step (about
   * 15 % of a short run's browser time, bench/RESULTS.md); the final full-page screenshot
   * follows the recording's take_final_screenshot either way.
   */
  STEP_SCREENSHOTS: bool(true),
  /**
   * The model LLM steps use, `provider/model` as in the original (`gemini/…`, `openai/…`,
   * `anthropic/…`; a bare name is an OpenAI model). Checked by lib/llm/model-route.ts.
   */
  LLM_MODEL: modelId.default('gemini/gemini-3.5-flash-lite'),
  /** Without it (or the provider's own key below, or a base URL), LLM steps fail naming this setting. */
  LLM_MODEL_API_KEY: z.string().min(1).optional(),
  /** Any OpenAI-compatible server (vLLM, Ollama, LM Studio, a gateway) for an `openai/…` model. */
  LLM_MODEL_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Tried when the model still fails after its retries. */
  LLM_MODEL_FALLBACK: modelId.optional(),
  LLM_MODEL_FALLBACK_API_KEY: z.string().min(1).optional(),
  LLM_MODEL_FALLBACK_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The providers' own keys, read when no LLM_MODEL key matches the model's provider (as litellm does). */
  GEMINI_API_KEY: z.string().min(1).optional(),
  GOOGLE_API_KEY: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  /** One model request, retries excluded. */
  LLM_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  /** Retries of a failed request (rate limits, 5xx, network) before the fallback model is tried. */
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Bound on the page text sent to the model for one step. */
  LLM_PAGE_SNAPSHOT_MAX_CHARS: z.coerce.number().int().min(1000).default(60_000),
  /**
   * javascript_action steps run code written in the recording inside this process; only an
   * operator who trusts every recording's author should turn this on.
   */
  ALLOW_CODE_STEPS: bool(false),
  /** upload_file.file_path reads only inside this folder (symlinks resolved); relative paths are taken from it. */
  UPLOAD_FILES_DIR: z.string().min(1).default('./uploads'),
  /** Bounds on a file_url fetch (upload_file.file_url, download_url_as_pdf): bytes and seconds. */
  FILE_FETCH_MAX_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  FILE_FETCH_TIMEOUT_SECONDS: z.coerce.number().positive().default(120),
  /** Largest file the page may download into a task's downloads/ folder; a larger one fails its step. */
  MAX_DOWNLOAD_BYTES: z.coerce.number().int().positive().default(500 * 1024 * 1024),
  /** Nodes per recording (nested ones included) and iterations per for_loop_node run, checked at acceptance. */
  MAX_RECORDING_NODES: z.coerce.number().int().positive().default(2000),
  MAX_LOOP_ITERATIONS: z.coerce.number().int().positive().default(10_000),
  /** 1Password service-account token; without it, tasks with 1Password secrets are refused. */
  OP_SERVICE_ACCOUNT_TOKEN: z.string().min(1).optional(),
  /**
   * (embedded control plane) `master`: accepts `POST /register_child` from ECS workers and hands
   * the tasks created by its own `api/v1/inference` to them; `standalone`: the caller runs them.
   */
  CONTROL_PLANE_MODE: z.enum(['standalone', 'master']).default('standalone'),
  /** (master) How often each registered worker's /health is polled. */
  WORKER_HEALTH_INTERVAL_SECONDS: z.coerce.number().positive().default(5),
  /** (master) Health checks missed in a row before a worker is lost and its task queued again. */
  WORKER_LOST_AFTER_MISSES: z.coerce.number().int().min(1).default(3),
  /** `--ecs`: set by ECS in every task; `${uri}/task` is this task's metadata. */
  ECS_CONTAINER_METADATA_URI_V4: z.url({ protocol: /^https?$/ }).optional(),
  /** `--ecs`: the v3 task-metadata URL, read when ECS_CONTAINER_METADATA_URI_V4 is not set. */
  ECS_METADATA_URL: z.url({ protocol: /^https?$/ }).default('http://169.254.170.2/v3/task'),
  /** `--ecs`: UpdateTaskProtection while a task runs, so a scale-in never stops it. */
  ECS_SCALE_IN_PROTECTION: bool(true),
  /** `local`: an in-memory queue in this process; `sqs`: tasks go to TASK_QUEUE_URL for the task-runner Lambda. */
  WORKER_RUNTIME: z.enum(['local', 'sqs']).default('local'),
  /** The SQS queue of tasks (WORKER_RUNTIME=sqs). */
  TASK_QUEUE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Tasks waiting in the local queue; past it /inference and /allocate_task answer 429, so memory stays bounded. */
  MAX_QUEUED_TASKS: z.coerce.number().int().min(1).default(1000),
  /** Largest request body of a worker route (413 beyond); /allocate_task has its own. */
  MAX_REQUEST_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Largest /allocate_task body: a master's task list may carry whole recordings. */
  MAX_ALLOCATE_TASK_BODY_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
});

export const Settings = SettingsObject.transform((settings) => ({
  ...settings,
  KEEP_TASK_FILES: settings.KEEP_TASK_FILES ?? settings.DEPLOYMENT === 'dev',
  // A trace adds about a third to a run's browser time: paid by default only where runs are debugged.
  TASK_TRACE: settings.TASK_TRACE ?? settings.DEPLOYMENT === 'dev',
}));
export type Settings = z.infer<typeof Settings>;

/** Used only when ENV_PATH is unset, so the quick start needs no file written by hand. */
export const DEV_DEFAULTS: Readonly<Record<string, string>> = {
  API_KEY: 'local-dev-api-key',
  DEPLOYMENT: 'dev',
};

const ALIASES: Readonly<Record<string, string>> = { OPTEXITY_API_KEY: 'API_KEY' };
const KNOWN_KEYS = new Set(Object.keys(SettingsObject.shape));

export type LoadedSettings = { settings: Settings; usedDevDefaults: boolean; envPath: string | undefined };

/** Reads and validates every setting; throws one CONFIG_INVALID error that lists every problem. */
export function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): LoadedSettings {
  const problems: string[] = [];
  const envPath = env.ENV_PATH?.trim() || undefined;
  let fileValues: Record<string, string> = {};
  if (envPath) {
    try {
      const parsed = parseDotenv(readFile(envPath));
      fileValues = parsed.values;
      problems.push(...parsed.problems.map((problem) => `ENV_PATH ${envPath}: ${problem}`));
    } catch (error) {
      problems.push(`ENV_PATH ${envPath}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  const raw: Record<string, string> = envPath ? {} : { ...DEV_DEFAULTS };
  Object.assign(raw, normalizeKeys(fileValues), normalizeKeys(env));
  const result = Settings.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.');
      problems.push(raw[key] === undefined ? `${key}: required` : `${key}: ${issue.message}`);
    }
  }
  if (result.success && result.data.DEPLOYMENT === 'prod' && result.data.API_KEY === DEV_DEFAULTS.API_KEY) {
    problems.push('API_KEY: the built-in development key cannot be used with DEPLOYMENT=prod');
  }
  if (result.success && result.data.WORKER_RUNTIME === 'sqs' && result.data.TASK_QUEUE_URL === undefined) {
    problems.push('TASK_QUEUE_URL: required with WORKER_RUNTIME=sqs');
  }
  if (problems.length > 0 || !result.success) {
    throw new AppError('CONFIG_INVALID', `Invalid settings:\n  - ${problems.join('\n  - ')}`, {
      problems: problems.map((message) => ({ path: message.split(':')[0] ?? '', message })),
    });
  }
  return { settings: result.data, usedDevDefaults: !envPath, envPath };
}

/** Upper-cases keys we know (pydantic-settings matching is case-insensitive) and applies aliases. */
function normalizeKeys(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    const name = ALIASES[upper] ?? upper;
    if (KNOWN_KEYS.has(name) && (value !== '' || name === 'API_KEY')) out[name] = value;
  }
  return out;
}

let memo: LoadedSettings | undefined;

/** The process-wide settings, read once. */
export function getLoadedSettings(): LoadedSettings {
  memo ??= loadSettings();
  return memo;
}

/**
 * An entry point that loaded its settings itself (the local shim, a test) makes them the
 * process-wide ones, so the handlers it serves read the same key and limits.
 */
export function useSettings(loaded: LoadedSettings): void {
  memo = loaded;
}

export function getSettings(): Settings {
  return getLoadedSettings().settings;
}
