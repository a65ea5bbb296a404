import * as z from 'zod';
import { ValidationError } from '../../errors.js';
import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { InitiateCallbackRequest } from '../../schemas/wire/control-plane-requests.js';
import { CallbackUrl } from '../../schemas/wire/task.js';
import { callbackAnswer, startCallback } from './callback-dispatch.js';
import { type ControlPlaneDeps, endpointPath, reportRoute } from './route-kit.js';
import { requireTask } from './task-views.js';

const CallbackRequest = z.object({ task_id: z.string().min(1), callback_url: CallbackUrl });

/** The wire schema leaves `task_callback_url` a plain string; a delivery needs an http(s) URL. */
const InitiateCallbackBody = InitiateCallbackRequest.extend({ task_callback_url: z.url({ protocol: /^https?$/ }).nullish() });

/**
 * `PUT api/v1/callback` (Dec-2025) and `POST api/v1/initiate_callback` (current): deliver the
 * task's result to its callback. Delivery runs in the background, so a slow or failing receiver
 * never holds up the worker; each task's result is delivered once (callback-dispatch.ts).
 */
export function callbackRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, store } = deps;
  return [
    reportRoute(deps, { method: 'PUT', path: endpointPath(settings, settings.CALLBACK_ENDPOINT) }, async (event) => {
      const request = parseJsonBody(event, CallbackRequest);
      const task = requireTask(store, request.task_id);
      const answer = callbackAnswer(task.task_id, await startCallback(deps, task, request.callback_url));
      return jsonResponse(answer.status, answer.body);
    }),

    reportRoute(deps, { method: 'POST', path: endpointPath(settings, settings.INITIATE_CALLBACK_ENDPOINT) }, async (event) => {
      const request = parseJsonBody(event, InitiateCallbackBody);
      const task = requireTask(store, request.task_id);
      if (request.endpoint_name !== task.endpoint_name) {
        const message = `does not match the task's endpoint "${task.endpoint_name}"`;
        throw new ValidationError(`Invalid request body: endpoint_name: ${message}`, [{ path: 'endpoint_name', message }]);
      }
      // As the original: the task's own callback object first, else the request's URL and key.
      const target = request.callback_url ?? (request.task_callback_url ? { url: request.task_callback_url, api_key: request.task_callback_api_key ?? null } : null);
      if (!target) {
        const message = 'callback_url or task_callback_url is required';
        throw new ValidationError(`Invalid request body: callback_url: ${message}`, [{ path: 'callback_url', message }]);
      }
      const answer = callbackAnswer(task.task_id, await startCallback(deps, task, target));
      return jsonResponse(answer.status, answer.body);
    }),
  ];
}
