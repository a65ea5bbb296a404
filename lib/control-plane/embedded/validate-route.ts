import * as z from 'zod';
import { recordingOf } from '../../automation/recording-of.js';
import { validateRecording } from '../../automation/validate-recording.js';
import { capabilitiesFromSettings } from '../../automation/worker-capabilities.js';
import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { basePath, type ControlPlaneDeps, protectedRoute } from './route-kit.js';

/** The same limit as storing a recording: recordings may carry base64 screenshots. */
const VALIDATE_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * `POST /api/v1/automations/validate`: the worker's acceptance check of a recording, without
 * storing it. A refused recording is a successful answer (200, `ok: false` and every problem);
 * only a body that is not JSON is an error.
 */
export function validateRoutes(deps: ControlPlaneDeps): Route[] {
  const path = basePath(deps.settings, '/api/v1/automations/validate');
  return [
    protectedRoute(deps, { method: 'POST', path, maxBodyBytes: VALIDATE_MAX_BODY_BYTES }, async (event) => {
      const result = validateRecording(recordingOf(parseJsonBody(event, z.unknown())), capabilitiesFromSettings(deps.settings));
      return jsonResponse(200, { ok: result.ok, problems: result.ok ? [] : result.problems });
    }),
  ];
}
