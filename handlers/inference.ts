import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { parseJsonBody } from '../lib/http/parse-json-body.js';
import { jsonResponse } from '../lib/http/responses.js';
import { InferenceRequest } from '../lib/schemas/wire/inference-request.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

/** POST /inference: asks the control plane for the task, queues it, answers 202. */
export const handler = createWorkerHandler(async (event) => {
  const request = parseJsonBody(event, InferenceRequest);
  const { taskId } = await (await getWorkerRuntime()).submitInference(request);
  return jsonResponse(202, { success: true, message: 'Task has been allocated', task_id: taskId });
});
