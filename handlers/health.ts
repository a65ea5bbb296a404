import { createHttpHandler } from '../lib/http/create-http-handler.js';
import { jsonResponse } from '../lib/http/responses.js';
import { getWorkerRuntime } from '../lib/worker/runtime-registry.js';

/**
 * GET /health: 503 once the running task is past its time limit, as the original. Open to all
 * (load balancers and the master poll it), so it tells only counts: no task, key or setting.
 */
export const handler = createHttpHandler(async () => {
  const health = await (await getWorkerRuntime()).health();
  if (!health.healthy) return jsonResponse(503, { status: 'unhealthy', message: health.message });
  return jsonResponse(200, { status: 'healthy', task_running: health.taskRunning, queued_tasks: health.queuedTasks });
});
