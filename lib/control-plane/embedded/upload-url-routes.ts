import { ValidationError, type Problem } from '../../errors.js';
import type { HttpEvent } from '../../http/create-http-handler.js';
import type { Route } from '../../http/node-server.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { ConfirmDownloadsRequest, UploadUrlsRequest, type UploadUrlsAnswer } from '../../schemas/wire/control-plane-requests.js';
import { contentTypeOf } from '../../http/content-types.js';
import { basePath, type ControlPlaneDeps, endpointPath, protectedRoute, reportRoute } from './route-kit.js';
import { fileNameProblem, quoteName } from './safe-names.js';
import { FINAL_SCREENSHOT_UPLOAD_NAME } from './task-files.js';
import { requireTask } from './task-views.js';
import { UPLOADS_PATH, uploadUrlOf } from './upload-urls.js';

/** A host header we are willing to put into a URL: a name or address with an optional port. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The current protocol's file reports: `request_download_upload_urls` answers one signed upload
 * URL per file (the PUT itself is upload-receiver.ts), `confirm_downloads` names the files the
 * task keeps.
 */
export function uploadUrlRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, store, uploads } = deps;
  const uploadsPrefix = basePath(settings, UPLOADS_PATH);

  return [
    // Not replayed by Idempotency-Key: it changes nothing, and a replayed answer could hand a
    // worker that retries an hour later URLs that have expired. A repeat gets fresh URLs.
    protectedRoute(deps, { method: 'POST', path: endpointPath(settings, settings.REQUEST_DOWNLOAD_UPLOAD_URLS_ENDPOINT) }, async (event) => {
      const request = parseJsonBody(event, UploadUrlsRequest);
      checkFileNames(request.filenames);
      requireTask(store, request.task_id);
      const origin = originOf(event, settings.SERVER_URL);
      const expires = Math.floor(deps.now().getTime() / 1000) + uploads.ttlSeconds;
      const answer: UploadUrlsAnswer = {
        uploads: request.filenames.map((filename) => {
          const grant = { taskId: request.task_id, filename, expires };
          return { filename, upload_url: uploadUrlOf(origin, uploadsPrefix, grant, uploads.signer.sign(grant)), content_type: contentTypeOf(filename) };
        }),
      };
      return jsonResponse(200, answer);
    }),

    reportRoute(deps, { method: 'POST', path: endpointPath(settings, settings.CONFIRM_DOWNLOADS_ENDPOINT) }, async (event) => {
      const report = parseJsonBody(event, ConfirmDownloadsRequest);
      checkFileNames(report.filenames);
      requireTask(store, report.task_id);
      const names = [...new Set(report.filenames)];
      const { missing } = store.confirmDownloads(
        report.task_id,
        { names, metadata: report.downloads_metadata ?? null },
        FINAL_SCREENSHOT_UPLOAD_NAME,
      );
      if (missing.length > 0) {
        const problems = report.filenames.flatMap((name, index): Problem[] =>
          missing.includes(name) ? [{ path: `filenames[${index}]`, message: `${quoteName(name)} was never uploaded` }] : [],
        );
        throw new ValidationError(`Invalid request body: ${problems[0]?.path}: ${problems[0]?.message}`, problems);
      }
      return jsonResponse(200, { success: true, task_id: report.task_id, filenames: names });
    }),
  ];
}

/** Names become files on disk: one 422 lists every name that is not a plain file name. */
function checkFileNames(names: string[]): void {
  const problems = names.flatMap((name, index): Problem[] => {
    const problem = fileNameProblem(name);
    return problem ? [{ path: `filenames[${index}]`, message: `file name ${problem}` }] : [];
  });
  if (problems.length > 0) throw new ValidationError(`Invalid request body: ${problems[0]?.path}: ${problems[0]?.message}`, problems);
}

/**
 * Where the worker reached us (its Host header), with SERVER_URL's scheme: behind a port mapping
 * or on port 0 in tests, SERVER_URL alone can name another address.
 */
function originOf(event: HttpEvent, serverUrl: string): string {
  const server = new URL(serverUrl);
  const host = event.headers?.host;
  return host !== undefined && HOST_HEADER.test(host) ? `${server.protocol}//${host}` : server.origin;
}
