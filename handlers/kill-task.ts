import * as z from 'zod';
import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { parseJsonBody } from '../lib/http/parse-json-body.js';
import { jsonResponse } from '../lib/http/responses.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

/** The original's body: a bare JSON array of task ids. */
const KillTaskBody = z.array(z.string().min(1));

/** POST /kill_task: queued tasks are dropped, the running one stopped; all end `cancelled`. */
export const handler = createWorkerHandler(async (event) => {
  const taskIds = parseJsonBody(event, KillTaskBody);
  (await getWorkerRuntime()).killTasks(taskIds);
  return jsonResponse(200, { success: true, message: `Kill signal sent for ${taskIds.length} tasks` });
});
