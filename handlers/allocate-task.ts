import * as z from 'zod';
import { RecordingInvalidError } from '../lib/errors.js';
import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { parseJsonBody, validateBody } from '../lib/http/parse-json-body.js';
import { jsonResponse } from '../lib/http/responses.js';
import { Task } from '../lib/schemas/wire/task.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

const TaskList = z.array(Task).min(1, 'must hold at least one task');

/** POST /allocate_task: queues tasks a master hands over; 202 once they wait in the queue. */
export const handler = createWorkerHandler(async (event) => {
  // One Task (the Dec-2025 body) or an array of them (the current one).
  const body = parseJsonBody(event, z.unknown());
  const tasks = Array.isArray(body) ? validateBody(body, TaskList) : [validateBody(body, Task)];
  const { taskIds, rejected } = await (await getWorkerRuntime()).allocateTasks(tasks);
  if (taskIds.length === 0) {
    throw new RecordingInvalidError(tasks.map((t) => t.endpoint_name).join(', '), rejected.map((r) => ({ path: r.task_id, message: r.error })));
  }
  const message = Array.isArray(body) ? `${taskIds.length} task(s) allocated` : 'Task has been allocated';
  return jsonResponse(202, { success: true, message, task_ids: taskIds, ...(rejected.length > 0 ? { rejected } : {}) });
}, { maxBodyBytes: (settings) => settings.MAX_ALLOCATE_TASK_BODY_BYTES });
