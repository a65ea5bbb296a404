import * as z from 'zod';
import { TasksRefusedError } from '../lib/errors.js';
import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { parseJsonBody, validateBody } from '../lib/http/parse-json-body.js';
import { jsonResponse } from '../lib/http/responses.js';
import { Task } from '../lib/schemas/wire/task.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';
import type { RejectedTask } from '../lib/worker/worker-runtime.js';

/**
 * Why none of the tasks was taken: one task's own reason, or each task's in turn. A problem's
 * path is its place in the body (`automation.nodes[0]…`, `[1].automation…` for a list).
 */
function refusal(rejected: RejectedTask[], list: boolean): TasksRefusedError {
  const problems = rejected.flatMap((task, index) => {
    const own = task.problems.length > 0 ? task.problems : [{ path: '', message: task.error }];
    return own.map(({ path, message }) => ({ path: list ? `[${index}]${path ? `.${path}` : ''}` : path, message }));
  });
  const message = rejected.length === 1 ? (rejected[0] as RejectedTask).error : rejected.map((task) => `${task.task_id}: ${task.error}`).join('; ');
  return new TasksRefusedError(message, problems);
}

const TaskList = z.array(Task).min(1, 'must hold at least one task');

/** POST /allocate_task: queues tasks a master hands over; 202 once they wait in the queue. */
export const handler = createWorkerHandler(async (event) => {
  // One Task (the Dec-2025 body) or an array of them (the current one).
  const body = parseJsonBody(event, z.unknown());
  const tasks = Array.isArray(body) ? validateBody(body, TaskList) : [validateBody(body, Task)];
  const { taskIds, rejected } = await (await getWorkerRuntime()).allocateTasks(tasks);
  if (taskIds.length === 0) throw refusal(rejected, Array.isArray(body));
  const message = Array.isArray(body) ? `${taskIds.length} task(s) allocated` : 'Task has been allocated';
  return jsonResponse(202, { success: true, message, task_ids: taskIds, ...(rejected.length > 0 ? { rejected } : {}) });
}, { maxBodyBytes: (settings) => settings.MAX_ALLOCATE_TASK_BODY_BYTES });
