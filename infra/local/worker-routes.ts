import { handler as allocateTask } from '../../handlers/allocate-task.js';
import { handler as health } from '../../handlers/health.js';
import { handler as hitlStatus } from '../../handlers/hitl-status.js';
import { handler as humanInLoopCompleted } from '../../handlers/human-in-loop-completed.js';
import { handler as inference } from '../../handlers/inference.js';
import { handler as isTaskRunning } from '../../handlers/is-task-running.js';
import { handler as killTask } from '../../handlers/kill-task.js';
import { handler as setChildProcessId } from '../../handlers/set-child-process-id.js';
import { getSettings } from '../../lib/config/settings.js';
import type { Route } from '../../lib/http/node-server.js';

/** Read per request, so the limits follow the settings the running worker was started with. */
const maxBody = () => getSettings().MAX_REQUEST_BODY_BYTES;
/** Task lists from a master can be large: each Task may carry its whole recording. */
const maxAllocateBody = () => getSettings().MAX_ALLOCATE_TASK_BODY_BYTES;

/**
 * THE worker route table: each route maps to a handler's Lambda export, so the local shim runs
 * exactly what Lambda runs. template.yaml declares the same routes (a test keeps them equal).
 */
export const WORKER_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/inference', handler: inference, maxBodyBytes: maxBody },
  { method: 'GET', path: '/health', handler: health },
  { method: 'GET', path: '/is_task_running', handler: isTaskRunning },
  { method: 'POST', path: '/allocate_task', handler: allocateTask, maxBodyBytes: maxAllocateBody },
  { method: 'POST', path: '/set_child_process_id', handler: setChildProcessId, maxBodyBytes: maxBody },
  { method: 'POST', path: '/human_in_loop_completed', handler: humanInLoopCompleted, maxBodyBytes: maxBody },
  { method: 'GET', path: '/hitl_status', handler: hitlStatus },
  { method: 'POST', path: '/kill_task', handler: killTask, maxBodyBytes: maxBody },
];

/**
 * An ECS task of a fleet only takes tasks its master allocates (the original has no /inference
 * with --is_aws); everything else is the same table.
 */
export const ECS_WORKER_ROUTES: readonly Route[] = WORKER_ROUTES.filter((route) => route.path !== '/inference');
