import * as z from 'zod';
import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { parseJsonBody } from '../lib/http/parse-json-body.js';
import { jsonResponse } from '../lib/http/responses.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

const HumanInLoopCompletedBody = z.object({ task_id: z.string().min(1) });

/** POST /human_in_loop_completed: the person has finished the task's human_in_loop step. */
export const handler = createWorkerHandler(async (event) => {
  const body = parseJsonBody(event, HumanInLoopCompletedBody);
  (await getWorkerRuntime()).humanInLoopCompleted(body.task_id);
  return jsonResponse(200, { success: true });
});
