import * as z from 'zod';
import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { parseJsonBody } from '../lib/http/parse-json-body.js';
import { jsonResponse } from '../lib/http/responses.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

const SetChildProcessIdBody = z.object({
  new_child_process_id: z.union([z.string().regex(/^\d+$/, 'must be a whole number'), z.number().int().min(0)]).transform(String),
  new_unique_child_arn: z.string().min(1).nullish(),
});

/** POST /set_child_process_id: the master renumbers this worker. */
export const handler = createWorkerHandler(async (event) => {
  const body = parseJsonBody(event, SetChildProcessIdBody);
  (await getWorkerRuntime()).setChildProcessId(body.new_child_process_id, body.new_unique_child_arn);
  return jsonResponse(200, { success: true, message: 'Child process id has been set' });
});
