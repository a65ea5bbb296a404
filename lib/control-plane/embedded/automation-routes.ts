import * as z from 'zod';
import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { recordingOf } from '../../automation/recording-of.js';
import { capabilitiesFromSettings } from '../../automation/worker-capabilities.js';
import { checkEndpointName, validateAutomation } from './recordings.js';
import { basePath, type ControlPlaneDeps, pathParameter, protectedRoute } from './route-kit.js';

/** Recordings may carry base64 screenshots of the recorded steps. */
const AUTOMATION_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** `PUT /api/v1/automations/{endpoint_name}` (validated, then written whole) and the list. */
export function automationRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, recordings } = deps;
  const automationsPath = basePath(settings, '/api/v1/automations');
  return [
    protectedRoute(deps, { method: 'GET', path: automationsPath }, async () => {
      return jsonResponse(200, { automations: await recordings.list() });
    }),

    protectedRoute(deps, { method: 'PUT', path: `${automationsPath}/{endpoint_name}`, maxBodyBytes: AUTOMATION_MAX_BODY_BYTES }, async (event) => {
      const endpointName = pathParameter(event, 'endpoint_name');
      checkEndpointName(endpointName, 'endpoint_name');
      // Either `{"automation": {...}}` (the file format) or the automation itself.
      const recording = validateAutomation(endpointName, recordingOf(parseJsonBody(event, z.unknown())), capabilitiesFromSettings(deps.settings));
      const { created } = await recordings.save(endpointName, recording.raw);
      return jsonResponse(created ? 201 : 200, { success: true, endpoint_name: endpointName, created, warnings: recording.warnings });
    }),
  ];
}
