import { randomUUID } from 'node:crypto';
import { isAbsolute, join, normalize } from 'node:path';
import * as z from 'zod';
import { AwareDateTime, ParameterValues, SecureParameterValues } from './primitives.js';
import { pythonJsonDumps } from '../../python/python-json.js';

export const TASK_STATUSES = ['queued', 'allocated', 'running', 'success', 'failed', 'cancelled', 'killed'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const CallbackUrl = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    api_key: z.string().nullish(),
    username: z.string().nullish(),
    password: z.string().nullish(),
  })
  .refine((value) => value.api_key == null || (value.username == null && value.password == null), {
    message: 'api_key and username/password cannot be used together',
  });
export type CallbackUrl = z.infer<typeof CallbackUrl>;

/**
 * Where the task's folder is made: it comes with the task (from the network), so it must be an
 * absolute, already normalized path; no `..`, no NUL, no backslash that could mean another folder.
 */
const SaveDirectory = z
  .string()
  .min(1)
  .refine((dir) => !dir.includes('\u0000'), 'must not contain a NUL byte')
  .refine((dir) => !dir.includes('\\'), 'must not contain "\\"')
  .refine((dir) => isAbsolute(dir), 'must be an absolute path')
  .refine((dir) => !dir.split('/').includes('..'), 'must not contain a ".." segment')
  .refine((dir) => normalize(dir) === dir, 'must be a normalized path (no "." or repeated "/")')
  .default('/tmp/optexity');

/**
 * A task as the control plane hands it to a worker: every field of the original's Task model.
 * `automation` stays raw here; it is validated by the automation schema when the task is accepted.
 */
export const Task = z
  .object({
    // The id names the task's directory: no separators, no dot-dot.
    task_id: z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, ".", "_" or "-"').refine((id) => !id.includes('..'), 'must not contain ".."'),
    user_id: z.string(),
    recording_id: z.string(),
    endpoint_name: z.string().min(1),
    version: z.string().nullish(),
    automation: z.record(z.string(), z.unknown()).nullish(),
    input_parameters: ParameterValues,
    secure_parameters: SecureParameterValues.default({}),
    rdp_parameter: z.looseObject({}).nullish(),
    unique_parameter_names: z.array(z.string()).default([]),
    unique_parameters: z.record(z.string(), z.array(z.unknown())).nullish(),
    created_at: AwareDateTime,
    allocated_at: AwareDateTime.nullish(),
    started_at: AwareDateTime.nullish(),
    completed_at: AwareDateTime.nullish(),
    error: z.string().nullish(),
    status: TaskStatus,
    workspace_id: z.string().nullish(),
    is_cloud: z.boolean().default(false),
    save_directory: SaveDirectory,
    use_proxy: z.boolean().default(false),
    dedup_key: z.string().optional(),
    retry_count: z.number().int().min(0).default(0),
    max_retries: z.number().int().min(0).default(1),
    max_timeout_in_minutes: z.number().positive().nullish(),
    api_key: z.string().min(1),
    callback_url: CallbackUrl.nullish(),
    task_callback_url: z.string().nullish(),
    task_callback_api_key: z.string().nullish(),
    is_dedicated: z.boolean().default(false),
    max_parallelism: z.number().int().default(1),
    per_login_parallelism: z.number().int().default(1),
    company_id: z.string().nullish(),
    llm_provider: z.string().nullish(),
    llm_model_name: z.string().nullish(),
    priority: z.number().int().nullish(),
  })
  .superRefine((task, ctx) => {
    task.unique_parameter_names.forEach((name, index) => {
      if (!Object.hasOwn(task.input_parameters, name) && !Object.hasOwn(task.secure_parameters, name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['unique_parameter_names', index],
          message: `"${name}" is not a key of input_parameters or secure_parameters`,
        });
      }
    });
  })
  .transform((task) => {
    const unique = uniqueParameters({ ...task.secure_parameters, ...task.input_parameters }, task.unique_parameter_names);
    return {
      ...task,
      unique_parameters: unique ?? task.unique_parameters ?? null,
      dedup_key: unique ? dedupKeyOf(unique, task.user_id) : (task.dedup_key ?? randomUUID()),
    };
  });
export type Task = z.infer<typeof Task>;
export type TaskInput = z.input<typeof Task>;

function uniqueParameters(input: Record<string, unknown[]>, names: string[]): Record<string, unknown[]> | undefined {
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [name, input[name] ?? []]));
}

/** The original's key: key-sorted `json.dumps` of the unique parameters, then the user id. */
export function dedupKeyOf(uniqueParams: Record<string, unknown[]>, userId: string): string {
  return pythonJsonDumps(uniqueParams, { sortKeys: true }) + userId;
}

/** The directories the original computes from `save_directory` and `task_id`. */
export function taskPaths(task: Pick<Task, 'save_directory' | 'task_id'>) {
  const taskDirectory = join(task.save_directory, task.task_id);
  const logsDirectory = join(taskDirectory, 'logs');
  return {
    taskDirectory,
    logsDirectory,
    downloadsDirectory: join(taskDirectory, 'downloads'),
    logFilePath: join(logsDirectory, 'optexity.log'),
  };
}
