import { randomUUID } from 'node:crypto';
import { DuplicateTaskError, ValidationError } from '../../errors.js';
import { problemsFromZod } from '../../http/problems.js';
import { parameterNameProblems } from '../../automation/check-task-parameters.js';
import type { Automation } from '../../schemas/automation/automation.js';
import type { InferenceRequest } from '../../schemas/wire/inference-request.js';
import { Task, type TaskInput } from '../../schemas/wire/task.js';
import { checkEndpointName, type Recordings } from './recordings.js';
import type { TaskStore } from './task-store.js';

/** Every task of the embedded control plane belongs to this one local user. */
export const LOCAL_USER_ID = 'local';

export type CreateTaskContext = { recordings: Recordings; store: TaskStore; now: () => Date };

/**
 * What the control plane does for `POST /api/v1/inference`: load the endpoint's recording,
 * check the request's parameters against it, build the Task (which computes its dedup key),
 * refuse it when an equal task is still queued or running, and store it.
 */
export async function createTask(request: InferenceRequest, apiKey: string, ctx: CreateTaskContext): Promise<Task> {
  checkEndpointName(request.endpoint_name, 'endpoint_name');
  const recording = await ctx.recordings.load(request.endpoint_name);
  checkParameterKeys(request, recording.automation);

  const input: TaskInput = {
    task_id: randomUUID(),
    user_id: LOCAL_USER_ID,
    recording_id: request.endpoint_name,
    endpoint_name: request.endpoint_name,
    version: null,
    automation: recording.raw,
    input_parameters: request.input_parameters,
    secure_parameters: request.secure_parameters,
    rdp_parameter: null,
    unique_parameter_names: request.unique_parameter_names,
    created_at: ctx.now().toISOString(),
    allocated_at: null,
    started_at: null,
    completed_at: null,
    error: null,
    status: 'queued',
    workspace_id: null,
    is_cloud: false,
    use_proxy: request.use_proxy,
    retry_count: 0,
    max_retries: 1,
    max_timeout_in_minutes: request.max_timeout_in_minutes,
    api_key: apiKey,
    callback_url: null,
    task_callback_url: request.task_callback_url ?? null,
    task_callback_api_key: request.task_callback_api_key ?? null,
    is_dedicated: request.is_dedicated,
    max_parallelism: request.max_parallelism,
    per_login_parallelism: request.per_login_parallelism,
    company_id: null,
    llm_provider: null,
    llm_model_name: null,
    priority: request.priority ?? null,
  };
  const parsed = Task.safeParse(input);
  if (!parsed.success) {
    const problems = problemsFromZod(parsed.error);
    throw new ValidationError(`Invalid request body: ${problems[0]?.path}: ${problems[0]?.message}`, problems);
  }
  const task = parsed.data;

  // Credentials stay out of the database: the worker gets them once, in this answer.
  // A TOTP parameter carries its secret itself (the other kinds only name where theirs lives), so
  // it stays out too: a task handed out again after a restart is refused for the missing
  // parameter rather than typing codes from a wrong secret.
  const { api_key: _apiKey, task_callback_api_key: _callbackKey, ...withSecrets } = task;
  const stored = { ...withSecrets, secure_parameters: withoutTotpSecrets(task.secure_parameters) };
  const result = ctx.store.insertUnlessDuplicate({
    task_id: task.task_id,
    endpoint_name: task.endpoint_name,
    recording_id: task.recording_id,
    dedup_key: task.dedup_key,
    status: task.status,
    created_at: task.created_at,
    input_parameters: task.input_parameters,
    secure_parameter_names: Object.keys(task.secure_parameters),
    task: stored,
  });
  if (result.duplicateOf !== null) throw new DuplicateTaskError(result.duplicateOf);
  return task;
}

function withoutTotpSecrets(secure: Task['secure_parameters']): Task['secure_parameters'] {
  return Object.fromEntries(Object.entries(secure).filter(([, values]) => !values.some((value) => value.totp)));
}

function checkParameterKeys(request: InferenceRequest, automation: Automation): void {
  const problems = parameterNameProblems(automation, request);
  const first = problems[0];
  if (first) {
    throw new ValidationError(`Parameters do not match recording "${request.endpoint_name}": ${first.path} ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  }
}
