import { randomUUID } from 'node:crypto';
import { basename, extname } from 'node:path';
import type { Automation } from '../../lib/schemas/automation/automation.js';
import { Task } from '../../lib/schemas/wire/task.js';
import { UsageError } from './args.js';

export type LocalTaskRequest = {
  /** The file as read: an Automation or `{"endpoint_name"?, "automation": {...}}`. */
  file: string;
  document: unknown;
  /** The automation inside `document`, already validated. */
  raw: Record<string, unknown>;
  automation: Automation;
  inputs: Record<string, string[]>;
  secure: Record<string, Record<string, unknown>[]>;
  saveDirectory: string;
  apiKey: string;
};

/**
 * The Task a control plane would have issued for this run. The worker refuses a task whose
 * parameter names differ from the recording's, so those are checked here first and reported as a
 * command-line problem naming each flag to give (with the recorded example values).
 */
export function buildLocalTask(request: LocalTaskRequest): Task {
  const { automation } = request;
  const problems = [
    ...nameProblems('input', request.inputs, automation.parameters.input_parameters),
    ...nameProblems('secure', request.secure, automation.parameters.secure_parameters),
  ];
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return Task.parse({
    task_id: randomUUID(),
    user_id: 'local',
    recording_id: basename(request.file, extname(request.file)),
    endpoint_name: endpointNameOf(request),
    automation: request.raw,
    input_parameters: request.inputs,
    secure_parameters: request.secure,
    created_at: new Date().toISOString(),
    status: 'queued',
    api_key: request.apiKey,
    save_directory: request.saveDirectory,
  });
}

function nameProblems(flag: 'input' | 'secure', given: Record<string, unknown>, declared: Record<string, unknown[]>): string[] {
  const missing = Object.keys(declared).filter((name) => !Object.hasOwn(given, name));
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(declared, name));
  const problems: string[] = [];
  if (missing.length > 0) {
    const hints = missing.map((name) => `  --${flag} ${name}=${flag === 'input' ? exampleOf(declared[name]) : "'{\"totp\": {\"totp_secret\": \"…\"}}'"}`);
    problems.push(`Missing required ${flag === 'input' ? 'inputs' : 'secure parameters'} of the recording: ${missing.join(', ')}. Give each, e.g.:\n${hints.join('\n')}`);
  }
  for (const name of unknown) {
    const names = Object.keys(declared);
    problems.push(`--${flag} ${name}: not a parameter of the recording (it takes ${names.length > 0 ? names.join(', ') : 'none'})`);
  }
  return problems;
}

/** The recorded value, as a hint of what to pass (values on the command line are strings). */
function exampleOf(values: unknown[] | undefined): string {
  const first = values?.[0];
  return first === undefined || first === null ? 'VALUE' : String(first);
}

function endpointNameOf(request: LocalTaskRequest): string {
  const doc = request.document;
  const named = typeof doc === 'object' && doc !== null && 'endpoint_name' in doc ? (doc as { endpoint_name: unknown }).endpoint_name : undefined;
  return typeof named === 'string' && named !== '' ? named : basename(request.file, extname(request.file)) || 'local_run';
}

/** `--secure NAME=JSON`: a secure parameter as the recording declares one (totp, onepassword, amazon_secrets_manager). */
export function parseSecureValue(value: string, name: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageError(`--secure ${name}: the value must be JSON, e.g. '{"totp": {"totp_secret": "…"}}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--secure ${name}: the value must be a JSON object`);
  return parsed as Record<string, unknown>;
}
