import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { InferenceRequest } from '../../schemas/wire/inference-request.js';
import { createTask } from './create-task.js';
import { checkEndpointName } from './recordings.js';
import { basePath, type ControlPlaneDeps, endpointPath, endpointPattern, pathParameter, presentedApiKey, protectedRoute } from './route-kit.js';

/** `POST api/v1/inference` and `GET api/v1/recording/{recording_id}`. */
export function inferenceRoutes(deps: ControlPlaneDeps): Route[] {
  return [
    protectedRoute(deps, { method: 'POST', path: endpointPath(deps.settings, deps.settings.INFERENCE_ENDPOINT) }, async (event) => {
      const request = parseJsonBody(event, InferenceRequest);
      const task = await createTask(request, presentedApiKey(event) ?? deps.settings.API_KEY, deps);
      // Master mode: the task waits, queued, for an idle registered worker.
      deps.dispatcher?.enqueue(task);
      // As the original server: the Task as a JSON string inside the JSON answer (parsed twice).
      return jsonResponse(200, { task: JSON.stringify(task) });
    }),

    // The setting resolves like every endpoint (urljoin), while the original joins this one as
    // `SERVER_URL.rstrip('/') + path`; they differ for a SERVER_URL path without a trailing slash.
    ...recordingPaths(deps).map(
      (path) =>
        protectedRoute(deps, { method: 'GET', path }, async (event) => {
          const recordingId = pathParameter(event, 'recording_id');
          checkEndpointName(recordingId, 'recording_id');
          const recording = await deps.recordings.load(recordingId);
          return jsonResponse(200, { automation: recording.raw, callback_url: null });
        }),
    ),
  ];
}

/** A setting without the `{recording_id}` placeholder could not name a recording, so only the fixed path is served then. */
function recordingPaths(deps: ControlPlaneDeps): string[] {
  const fromSetting = endpointPattern(deps.settings, deps.settings.GET_RECORDING_ENDPOINT);
  const fixed = basePath(deps.settings, '/api/v1/recording/{recording_id}');
  return fromSetting.includes('{recording_id}') && fromSetting !== fixed ? [fromSetting, fixed] : [fixed];
}
