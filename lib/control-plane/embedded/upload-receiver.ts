import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../errors.js';
import { describeError } from '../../http/error-status.js';
import { requestUrl } from '../../http/request-url.js';
import { jsonResponse, type HttpResult } from '../../http/responses.js';
import { basePath, type ControlPlaneDeps } from './route-kit.js';
import { fileNameProblem } from './safe-names.js';
import { FINAL_SCREENSHOT_UPLOAD_NAME } from './task-files.js';
import { requireTask } from './task-views.js';
import { UPLOADS_PATH } from './upload-urls.js';

/** Raw bytes of one downloaded file; streamed to disk, so this bounds the disk, not the memory. */
export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/**
 * Takes `PUT {UPLOADS_PATH}/{task_id}/{filename}?expires=…&signature=…` before the router does:
 * the router reads a whole body into memory, and these bodies are files of any size. Answers
 * whether it took the request; any other request goes on to the router.
 */
export type UploadReceiver = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A URL that does not verify is refused as a presigned S3 URL would be: 403. */
class UploadRefusedError extends AppError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export function createUploadReceiver(deps: ControlPlaneDeps): UploadReceiver {
  const { store, files, uploads, logger } = deps;
  const prefix = `${basePath(deps.settings, UPLOADS_PATH)}/`;

  async function receive(req: IncomingMessage, url: URL): Promise<HttpResult> {
    const [rawTaskId, rawName, ...rest] = url.pathname.slice(prefix.length).split('/');
    const taskId = rawTaskId === undefined ? undefined : decoded(rawTaskId);
    const filename = rawName === undefined ? undefined : decoded(rawName);
    if (rest.length > 0 || !taskId || !filename) throw new UploadRefusedError('Not an upload URL of this control plane');
    const check = uploads.signer.check(
      { taskId, filename, expires: url.searchParams.get('expires') ?? undefined, signature: url.searchParams.get('signature') ?? undefined },
      deps.now(),
    );
    if (!check.ok) throw new UploadRefusedError(check.reason);
    // Signed names were checked when the URL was made; checked again as the last line before the disk.
    if (fileNameProblem(filename)) throw new UploadRefusedError('Upload URL names no valid file');
    requireTask(store, taskId);

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > uploads.maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `Upload is larger than ${uploads.maxBytes} bytes`);
    }
    const size = await files.storeUpload(taskId, filename, req, uploads.maxBytes);
    const finalScreenshot = filename === FINAL_SCREENSHOT_UPLOAD_NAME;
    store.recordUpload(taskId, { name: filename, size, finalScreenshot, uploadedAt: deps.now().toISOString() });
    return jsonResponse(200, { success: true, task_id: taskId, filename, size, stored_as: finalScreenshot ? 'final_screenshot' : 'download' });
  }

  function refusal(error: unknown, route: string): HttpResult {
    const { status, body, exposed } = describeError(error);
    if (exposed) logger.info('request refused', { route, status, error: body.error });
    else logger.error('request failed', { route, status, error });
    return jsonResponse(status, body);
  }

  return (req, res) => {
    if ((req.method ?? '').toUpperCase() !== 'PUT') return false;
    const url = requestUrl(req.url);
    // A target that is not a readable path is left to the router, which refuses it.
    if (!url?.pathname.startsWith(prefix)) return false;
    const route = `PUT ${url.pathname}`;
    receive(req, url)
      .catch((error: unknown) => refusal(error, route))
      .then((result) => {
        // A refusal before the body was read: the rest of it is not wanted, and the connection
        // would otherwise carry it into the next request.
        const unread = !req.readableEnded;
        if (unread) req.resume();
        send(res, result, unread);
      })
      .catch((error: unknown) => {
        logger.error('upload answer could not be sent', { route, error });
        res.destroy();
      });
    return true;
  };
}

function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, result: HttpResult, closeConnection: boolean): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (closeConnection) headers.connection = 'close';
  res.writeHead(result.statusCode, headers);
  res.end(result.body ?? '');
}
