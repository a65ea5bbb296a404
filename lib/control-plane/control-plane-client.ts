import * as z from 'zod';
import { AppError, ControlPlaneRejectedError, errorMessage } from '../errors.js';
import type { Settings } from '../config/settings.js';
import { problemsFromZod } from '../http/problems.js';
import type { InferenceRequest } from '../schemas/wire/inference-request.js';
import {
  RecordingAnswer,
  UploadUrlsAnswer,
  type ConfirmDownloadsRequest,
  type InitiateCallbackRequest,
  type TaskCompleteRequest,
  type TaskOutputDataRequest,
  type TaskStartedRequest,
  type UploadUrlsRequest,
} from '../schemas/wire/control-plane-requests.js';
import { Task, type CallbackUrl } from '../schemas/wire/task.js';

export type MultipartFile = { field: string; filename: string; contentType: string; content: Buffer };

export type ControlPlaneClientOptions = {
  settings: Pick<
    Settings,
    | 'SERVER_URL'
    | 'API_KEY'
    | 'INFERENCE_ENDPOINT'
    | 'START_TASK_ENDPOINT'
    | 'COMPLETE_TASK_ENDPOINT'
    | 'SAVE_OUTPUT_DATA_ENDPOINT'
    | 'SAVE_DOWNLOADS_ENDPOINT'
    | 'SAVE_TRAJECTORY_ENDPOINT'
    | 'CALLBACK_ENDPOINT'
    | 'HUMAN_IN_LOOP_ENDPOINT'
    | 'REQUEST_DOWNLOAD_UPLOAD_URLS_ENDPOINT'
    | 'CONFIRM_DOWNLOADS_ENDPOINT'
    | 'INITIATE_CALLBACK_ENDPOINT'
    | 'GET_RECORDING_ENDPOINT'
    | 'CONTROL_PLANE_TIMEOUT_SECONDS'
  >;
  fetchImpl?: typeof fetch;
};

const InferenceAnswer = z.object({ task: z.string() });

/**
 * Client of the control-plane protocol (the original's paths, bodies and `x-api-key` header).
 * Every call has a deadline; transport failures become CONTROL_PLANE_UNREACHABLE naming the URL.
 */
export function createControlPlaneClient(options: ControlPlaneClientOptions) {
  const { settings } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const timeoutMs = settings.CONTROL_PLANE_TIMEOUT_SECONDS * 1000;
  // urljoin(SERVER_URL, endpoint) as the original builds URLs: WHATWG resolution is the same.
  const urlOf = (endpoint: string) => new URL(endpoint, settings.SERVER_URL).toString();

  type SendInit = { method: string; apiKey: string; json?: unknown; form?: FormData; idempotencyKey?: string };

  async function send(endpoint: string, init: SendInit): Promise<unknown> {
    return sendTo(urlOf(endpoint), init);
  }

  async function sendTo(url: string, init: SendInit): Promise<unknown> {
    const headers: Record<string, string> = { 'x-api-key': init.apiKey };
    // A report sent again after a lost answer carries the same key, so it is applied once.
    if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: init.method,
        headers,
        body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw new AppError('CONTROL_PLANE_UNREACHABLE', `Control plane at ${url} is unreachable: ${describeFetchError(error)}`, { cause: error });
    }
    const text = await response.text().catch(() => '');
    const body = parseJson(text);
    if (response.status >= 400 && response.status < 500) {
      throw new ControlPlaneRejectedError(response.status, upstreamMessage(body, text, response.status), upstreamDetails(body));
    }
    if (!response.ok) {
      throw new AppError('CONTROL_PLANE_BAD_RESPONSE', `Control plane at ${url} answered ${response.status}: ${upstreamMessage(body, text, response.status)}`);
    }
    return body;
  }

  return {
    /** POST the inference request; the answer holds the Task as a JSON string, parsed twice. */
    async requestInference(request: InferenceRequest): Promise<Task> {
      const body = await send(settings.INFERENCE_ENDPOINT, { method: 'POST', apiKey: settings.API_KEY, json: request });
      const answer = InferenceAnswer.safeParse(body);
      if (!answer.success) {
        throw new AppError('CONTROL_PLANE_BAD_RESPONSE', 'Control plane answer to inference has no "task" string', {
          problems: problemsFromZod(answer.error),
        });
      }
      const task = Task.safeParse(parseJson(answer.data.task));
      if (!task.success) {
        throw new AppError('CONTROL_PLANE_BAD_RESPONSE', 'Control plane returned a task that is not valid', {
          problems: problemsFromZod(task.error, ['task']),
        });
      }
      return task.data;
    },
    startTask: (apiKey: string, body: TaskStartedRequest, idempotencyKey?: string) =>
      send(settings.START_TASK_ENDPOINT, { method: 'POST', apiKey, json: body, idempotencyKey }),
    completeTask: (apiKey: string, body: TaskCompleteRequest, idempotencyKey?: string) =>
      send(settings.COMPLETE_TASK_ENDPOINT, { method: 'POST', apiKey, json: body, idempotencyKey }),
    saveOutputData: (apiKey: string, body: TaskOutputDataRequest, idempotencyKey?: string) =>
      send(settings.SAVE_OUTPUT_DATA_ENDPOINT, { method: 'POST', apiKey, json: body, idempotencyKey }),
    saveDownloads: (apiKey: string, taskId: string, files: MultipartFile[]) =>
      send(settings.SAVE_DOWNLOADS_ENDPOINT, { method: 'POST', apiKey, form: multipart(taskId, files) }),
    saveTrajectory: (apiKey: string, taskId: string, file: MultipartFile, idempotencyKey?: string) =>
      send(settings.SAVE_TRAJECTORY_ENDPOINT, { method: 'POST', apiKey, form: multipart(taskId, [file]), idempotencyKey }),
    /** The Dec-2025 protocol: ask the control plane to deliver the result to the task's callback. */
    callback: (apiKey: string, taskId: string, callbackUrl: CallbackUrl) =>
      send(settings.CALLBACK_ENDPOINT, { method: 'PUT', apiKey, json: { task_id: taskId, callback_url: callbackUrl } }),
    /** The recording as it is now, fetched again right before a run (the current protocol). */
    async getRecording(apiKey: string, recordingId: string): Promise<RecordingAnswer> {
      // Not urljoin: the original appends the path to SERVER_URL without its trailing slash.
      const path = settings.GET_RECORDING_ENDPOINT.replace('{recording_id}', encodeURIComponent(recordingId));
      const url = `${settings.SERVER_URL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
      const body = await sendTo(url, { method: 'GET', apiKey });
      const answer = RecordingAnswer.safeParse(body);
      if (!answer.success) {
        throw new AppError('CONTROL_PLANE_BAD_RESPONSE', `Control plane answer to ${url} is not a recording`, { problems: problemsFromZod(answer.error) });
      }
      return answer.data;
    },
    /** One upload URL per file name (the current protocol's presigned uploads). */
    async requestUploadUrls(apiKey: string, body: UploadUrlsRequest, idempotencyKey?: string): Promise<UploadUrlsAnswer> {
      const answer = UploadUrlsAnswer.safeParse(await send(settings.REQUEST_DOWNLOAD_UPLOAD_URLS_ENDPOINT, { method: 'POST', apiKey, json: body, idempotencyKey }));
      if (!answer.success) {
        throw new AppError('CONTROL_PLANE_BAD_RESPONSE', 'Control plane answer to request_download_upload_urls has no "uploads" list', { problems: problemsFromZod(answer.error) });
      }
      return answer.data;
    },
    /** PUT the raw bytes to an upload URL: it carries its own authorisation, so no key is sent. */
    async uploadFile(uploadUrl: string, contentType: string, content: Buffer): Promise<void> {
      let response: Response;
      try {
        response = await fetchImpl(uploadUrl, {
          method: 'PUT',
          headers: { 'content-type': contentType },
          body: content,
          signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
          redirect: 'manual',
        });
      } catch (error) {
        throw new AppError('CONTROL_PLANE_UNREACHABLE', `Upload to ${redactQuery(uploadUrl)} failed: ${describeFetchError(error)}`, { cause: error });
      }
      const text = await response.text().catch(() => '');
      if (response.status >= 400 && response.status < 500) throw new ControlPlaneRejectedError(response.status, `Upload to ${redactQuery(uploadUrl)} was refused: ${text.trim().slice(0, 200) || `HTTP ${response.status}`}`);
      if (!response.ok) throw new AppError('CONTROL_PLANE_BAD_RESPONSE', `Upload to ${redactQuery(uploadUrl)} answered ${response.status}`);
    },
    confirmDownloads: (apiKey: string, body: ConfirmDownloadsRequest, idempotencyKey?: string) =>
      send(settings.CONFIRM_DOWNLOADS_ENDPOINT, { method: 'POST', apiKey, json: body, idempotencyKey }),
    initiateCallback: (apiKey: string, body: InitiateCallbackRequest, idempotencyKey?: string) =>
      send(settings.INITIATE_CALLBACK_ENDPOINT, { method: 'POST', apiKey, json: body, idempotencyKey }),
    /** A human_in_loop step is waiting for a person. */
    humanInLoop: (apiKey: string, taskId: string) => send(settings.HUMAN_IN_LOOP_ENDPOINT, { method: 'POST', apiKey, json: { task_id: taskId } }),
  };
}

export type ControlPlaneClient = ReturnType<typeof createControlPlaneClient>;

/** The original's upload write/read timeouts are minutes: files can be large. */
const UPLOAD_TIMEOUT_MS = 600_000;

/** A presigned URL's query is its credential: never log it. */
function redactQuery(url: string): string {
  return url.split('?')[0] ?? url;
}

function multipart(taskId: string, files: MultipartFile[]): FormData {
  const form = new FormData();
  form.append('task_id', taskId);
  for (const file of files) {
    form.append(file.field, new Blob([file.content], { type: file.contentType }), file.filename);
  }
  return form;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The message a control plane put in its error body (`error`, `message` or FastAPI's `detail`). */
function upstreamMessage(body: unknown, text: string, status: number): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['error', 'message', 'detail']) {
      const value = record[key];
      if (typeof value === 'string' && value) return value;
      if (value !== undefined && value !== null && typeof value === 'object') return JSON.stringify(value);
    }
  }
  return text.trim().slice(0, 500) || `HTTP ${status}`;
}

const UpstreamDetails = z.object({
  task_id: z.string().optional().catch(undefined),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).optional().catch(undefined),
});

/** A duplicate's task id and located problems, when the control plane's error body has them. */
function upstreamDetails(body: unknown): { taskId?: string; problems?: { path: string; message: string }[] } {
  const parsed = UpstreamDetails.safeParse(body);
  return parsed.success ? { taskId: parsed.data.task_id, problems: parsed.data.problems } : {};
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}
