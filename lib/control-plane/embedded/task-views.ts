import { NotFoundError } from '../../errors.js';
import type { CallbackPayload } from './callback-delivery.js';
import type { CallbackRecord } from './callback-store.js';
import { quoteName } from './safe-names.js';
import type { TaskFiles } from './task-files.js';
import type { TaskRecord, TaskStore } from './task-store.js';

/** The stored task, or a 404 naming the id. */
export function requireTask(store: TaskStore, taskId: string): TaskRecord {
  const task = store.getTask(taskId);
  if (!task) throw new NotFoundError(`Unknown task id ${quoteName(taskId)}`);
  return task;
}

/** One line of `GET /api/v1/tasks`. */
export function taskSummary(task: TaskRecord) {
  return {
    task_id: task.task_id,
    endpoint_name: task.endpoint_name,
    status: task.status,
    error: task.error,
    created_at: task.created_at,
    allocated_at: task.allocated_at,
    started_at: task.started_at,
    completed_at: task.completed_at,
  };
}

/** `GET /api/v1/tasks/{task_id}`: secure parameters by name only, files by name. */
export function taskDetail(task: TaskRecord, store: TaskStore) {
  return {
    ...taskSummary(task),
    recording_id: task.recording_id,
    retry_count: task.retry_count,
    input_parameters: task.input_parameters,
    secure_parameters: task.secure_parameter_names,
    output_data: task.output_data,
    for_loop_status: task.for_loop_status,
    token_usage: task.token_usage,
    downloads: store.listFiles(task.task_id, 'download').map((file) => file.name),
    screenshots: store.listFiles(task.task_id, 'screenshot').map((file) => file.name),
    has_final_screenshot: task.final_screenshot !== null,
    has_trajectory: task.has_trajectory,
    waiting_for_human_since: task.waiting_for_human_since,
    /** The files the worker confirmed (current protocol), null until it does. */
    confirmed_downloads: task.confirmed_downloads,
    downloads_metadata: task.downloads_metadata,
    callback: callbackView(store.callbacks.get(task.task_id)),
  };
}

function callbackView(record: CallbackRecord | undefined) {
  if (!record) return null;
  return {
    state: record.state,
    target: record.target,
    attempts: record.attempts,
    last_error: record.last_error,
    requested_at: record.requested_at,
    finished_at: record.finished_at,
  };
}

/** The result as a callback receiver gets it. */
export async function callbackPayload(task: TaskRecord, store: TaskStore, files: TaskFiles): Promise<CallbackPayload> {
  const screenshot = task.final_screenshot === null ? undefined : await files.readFinalScreenshot(task.task_id, task.final_screenshot);
  return {
    status: task.status,
    task_id: task.task_id,
    recording_id: task.recording_id,
    endpoint_name: task.endpoint_name,
    output_data: task.output_data ?? [],
    error: task.error,
    final_screenshot: screenshot ? screenshot.toString('base64') : null,
    downloads: store.listFiles(task.task_id, 'download').map((file) => file.name),
  };
}
