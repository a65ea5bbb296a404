import { createWorkerHandler } from '../lib/http/worker-handler.js';
import { jsonResponse } from '../lib/http/responses.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

/** GET /is_task_running: a bare JSON boolean, as the original answers. */
export const handler = createWorkerHandler(async () => jsonResponse(200, (await getWorkerRuntime()).isTaskRunning()));
