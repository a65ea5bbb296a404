import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { InferenceRequest } from '../../schemas/wire/inference-request.js';
import { createTask } from './create-task.js';
import { checkEndpointName } from './recordings.js';
import { basePath, type ControlPlaneDeps, endpointPath, pathParameter, presentedApiKey, protectedRoute } from './route-kit.js';

/** `POST api/v1/inference` and `GET api/v1/recording/{recording_id}`. */
export function inferenceRoutes(deps: ControlPlaneDeps): Route[] {
  return [
    protectedRoute(deps, { method: 'POST', path: endpointPath(deps.settings, deps.settings.INFERENCE_ENDPOINT) }, async (event) => {
      const request = parseJsonBody(event, InferenceRequest);
      const task = await createTask(request, presentedApiKey(event) ?? deps.settings.API_KEY, deps);
      // As the original server: the Task as a JSON string inside the JSON answer (parsed twice).
      return jsonResponse(200, { task: JSON.stringify(task) });
    }),

    protectedRoute(deps, { method: 'GET', path: basePath(deps.settings, '/api/v1/recording/{recording_id}') }, async (event) => {
      const recordingId = pathParameter(event, 'recording_id');
      checkEndpointName(recordingId, 'recording_id');
      const recording = await deps.recordings.load(recordingId);
      return jsonResponse(200, { automation: recording.raw, callback_url: null });
    }),
  ];
}
