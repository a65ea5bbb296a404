import * as z from 'zod';
import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { jsonResponse } from '../lib/http/responses.js';
import { ValidationError } from '../lib/errors.js';
import { problemsFromZod } from '../lib/http/problems.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

const HitlStatusQuery = z.object({ task_id: z.string().min(1) });

/** GET /hitl_status?task_id=: whether the task's human_in_loop step was marked done (true clears it). */
export const handler = createWorkerHandler(async (event) => {
  const query = HitlStatusQuery.safeParse(event.queryStringParameters ?? {});
  if (!query.success) throw new ValidationError('Invalid query string', problemsFromZod(query.error, ['query']));
  return jsonResponse(200, { completed: (await getWorkerRuntime()).humanInLoopStatus(query.data.task_id) });
});
