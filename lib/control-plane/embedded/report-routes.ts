import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { HumanInLoopRequest, TaskCompleteRequest, TaskOutputDataRequest, TaskStartedRequest } from '../../schemas/wire/control-plane-requests.js';
import { type ControlPlaneDeps, endpointPath, reportRoute } from './route-kit.js';
import { requireTask } from './task-views.js';

/** Output data can carry a full-page screenshot in base64: far above the default 1 MiB. */
const OUTPUT_DATA_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The worker's JSON reports: start_task, complete_task, save_output_data, human_in_loop. Each overwrites. */
export function reportRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, store, files } = deps;
  return [
    reportRoute(deps, { method: 'POST', path: endpointPath(settings, settings.START_TASK_ENDPOINT) }, async (event) => {
      const report = parseJsonBody(event, TaskStartedRequest);
      requireTask(store, report.task_id);
      store.markStarted(report.task_id, report.started_at, report.allocated_at ?? null);
      return jsonResponse(200, { success: true, task_id: report.task_id, status: 'running' });
    }),

    reportRoute(deps, { method: 'POST', path: endpointPath(settings, settings.COMPLETE_TASK_ENDPOINT) }, async (event) => {
      const report = parseJsonBody(event, TaskCompleteRequest);
      requireTask(store, report.task_id);
      store.markCompleted(report.task_id, {
        status: report.status,
        error: report.error,
        completed_at: report.completed_at,
        token_usage: report.token_usage ?? null,
        retry_count: report.retry_count,
      });
      return jsonResponse(200, { success: true, task_id: report.task_id, status: report.status });
    }),

    reportRoute(
      deps,
      { method: 'POST', path: endpointPath(settings, settings.SAVE_OUTPUT_DATA_ENDPOINT), maxBodyBytes: OUTPUT_DATA_MAX_BODY_BYTES },
      async (event) => {
        const report = parseJsonBody(event, TaskOutputDataRequest);
        requireTask(store, report.task_id);
        const finalScreenshot = await files.writeFinalScreenshot(report.task_id, report.final_screenshot);
        store.saveOutput(report.task_id, {
          output_data: report.output_data,
          for_loop_status: report.for_loop_status ?? null,
          final_screenshot: finalScreenshot,
        });
        return jsonResponse(200, { success: true, task_id: report.task_id });
      },
    ),

    // A person is needed: the task view shows since when, until the task completes.
    reportRoute(deps, { method: 'POST', path: endpointPath(settings, settings.HUMAN_IN_LOOP_ENDPOINT) }, async (event) => {
      const report = parseJsonBody(event, HumanInLoopRequest);
      requireTask(store, report.task_id);
      store.markWaitingForHuman(report.task_id, new Date().toISOString());
      return jsonResponse(200, { success: true, task_id: report.task_id });
    }),
  ];
}
