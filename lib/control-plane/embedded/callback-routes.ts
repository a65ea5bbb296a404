import { z } from 'zod';
import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { CallbackUrl } from '../../schemas/wire/task.js';
import { type ControlPlaneDeps, endpointPath, protectedRoute } from './route-kit.js';
import { callbackPayload, requireTask } from './task-views.js';

const CallbackRequest = z.object({ task_id: z.string().min(1), callback_url: CallbackUrl });

/**
 * `PUT api/v1/callback` (the Dec-2025 protocol): deliver the task's result to its callback URL.
 * Delivery runs in the background, so a slow or failing receiver never holds up the worker.
 */
export function callbackRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, store, files, callbacks } = deps;
  return [
    protectedRoute(deps, { method: 'PUT', path: endpointPath(settings, settings.CALLBACK_ENDPOINT) }, async (event) => {
      const request = parseJsonBody(event, CallbackRequest);
      const task = requireTask(store, request.task_id);
      callbacks.deliver(request.callback_url, await callbackPayload(task, store, files));
      return jsonResponse(202, { success: true, task_id: task.task_id, message: 'Callback delivery started' });
    }),
  ];
}
