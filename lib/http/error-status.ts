import { AppError, ControlPlaneRejectedError, QueueFullError, type ErrorCode, type Problem } from '../errors.js';

/**
 * THE error → HTTP status table. Typed as a total record so that a new error code without a
 * status fails type-checking.
 */
const STATUS_BY_CODE: Record<ErrorCode, number | ((error: AppError) => number)> = {
  BAD_JSON: 400,
  BAD_MULTIPART: 400,
  VALIDATION_FAILED: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  DUPLICATE_TASK: 409,
  RECORDING_INVALID: 422,
  RECORDING_NOT_FOUND: 404,
  ROUTE_DISABLED: 404,
  // A master or load balancer sends the task to another worker.
  SHUTTING_DOWN: 503,
  QUEUE_FULL: 429,
  CONTROL_PLANE_REJECTED: (error) => (error instanceof ControlPlaneRejectedError ? error.upstreamStatus : 502),
  CONTROL_PLANE_UNREACHABLE: 502,
  CONTROL_PLANE_BAD_RESPONSE: 502,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

/** Like the original's `{"success": false, "error": "..."}`, plus a code and the located problems. */
export type ErrorBody = { success: false; error: string; code: ErrorCode; problems?: Problem[]; task_id?: string };

export type DescribedError = { status: number; body: ErrorBody; exposed: boolean; headers: Record<string, string> };

/** Status, body and headers for any thrown value. 5xx bodies carry a fixed message; details go to the log. */
export function describeError(error: unknown): DescribedError {
  if (!(error instanceof AppError)) {
    return { status: 500, body: { success: false, error: 'Internal error', code: 'INTERNAL' }, exposed: false, headers: {} };
  }
  const entry = STATUS_BY_CODE[error.code];
  const status = typeof entry === 'function' ? entry(error) : entry;
  // These 5xx say what the caller can act on (retry elsewhere, check the control plane), nothing internal.
  const exposed = status < 500 || error.code.startsWith('CONTROL_PLANE_') || error.code === 'SHUTTING_DOWN';
  const body: ErrorBody = { success: false, error: exposed ? error.message : 'Internal error', code: error.code };
  if (exposed && error.problems.length > 0) body.problems = error.problems;
  if (exposed && 'taskId' in error && typeof error.taskId === 'string') body.task_id = error.taskId;
  const headers: Record<string, string> = error instanceof QueueFullError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  return { status, body, exposed, headers };
}
