import type { LogFields, LogLevel } from '../../log/logger.js';
import type { Settings } from '../../config/settings.js';
import type { Automation } from '../../schemas/automation/automation.js';
import type { AcceptedTask, TaskRunOutcome } from '../task-runner.js';
import { TaskStoppedError } from '../task-runner.js';

/** What the task thread starts with (its workerData). */
export type TaskThreadData = { settings: Settings; logLevel: LogLevel };

/** Why a run was stopped, as it crosses to the thread: a TaskStoppedError keeps its status. */
export type StopReason = { status: 'killed' | 'cancelled'; message: string } | { status: null; message: string };

export type ToThread =
  | { type: 'warm-up' }
  | { type: 'run'; runId: number; accepted: AcceptedTask<Automation> }
  | { type: 'stop'; runId: number; reason: StopReason }
  | { type: 'hitl-answer'; callId: number; released?: boolean; error?: string }
  | { type: 'close' };

export type FromThread =
  | { type: 'warmed'; error?: string }
  | { type: 'log'; runId: number | null; level: LogLevel; msg: string; fields?: LogFields }
  | { type: 'outcome'; runId: number; outcome: TaskRunOutcome; retryCount: number }
  | { type: 'run-failed'; runId: number; error: string; retryCount: number }
  | { type: 'hitl-notify'; callId: number; task: { task_id: string; api_key: string } }
  | { type: 'hitl-wait'; callId: number; taskId: string; timeoutMs: number }
  | { type: 'closed' };

export function encodeStopReason(reason: unknown): StopReason {
  if (reason instanceof TaskStoppedError) return { status: reason.status, message: reason.message };
  return { status: null, message: reason instanceof Error ? reason.message : String(reason) };
}

/** The same abort reason on the thread's side, so the runner ends the run with the same status. */
export function decodeStopReason(reason: StopReason): Error {
  return reason.status === null ? new Error(reason.message) : new TaskStoppedError(reason.status, reason.message);
}

/**
 * Log fields that cannot cross a thread boundary as they are (a function, a socket) are sent as
 * the JSON a log line would show. Most can (errors included), and are sent unchanged.
 */
export function jsonSafeFields(fields: LogFields): LogFields {
  return JSON.parse(JSON.stringify(fields, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value))) as LogFields;
}
