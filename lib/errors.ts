/**
 * Domain errors. `lib` throws these and never speaks HTTP; `lib/http/error-status.ts` is the one
 * place that maps each code to a status.
 */
export type ErrorCode =
  | 'BAD_JSON'
  | 'BAD_MULTIPART'
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'DUPLICATE_TASK'
  | 'RECORDING_INVALID'
  | 'RECORDING_NOT_FOUND'
  | 'ROUTE_DISABLED'
  | 'SHUTTING_DOWN'
  | 'QUEUE_FULL'
  | 'CONTROL_PLANE_REJECTED'
  | 'CONTROL_PLANE_UNREACHABLE'
  | 'CONTROL_PLANE_BAD_RESPONSE'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

/** One problem with a piece of input, located by its path (`input_parameters.name[0]`). */
export type Problem = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly problems: Problem[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; problems?: Problem[] } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.problems = options.problems ?? [];
  }
}

export class ValidationError extends AppError {
  constructor(message: string, problems: Problem[]) {
    super('VALIDATION_FAILED', message, { problems });
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class RecordingInvalidError extends AppError {
  constructor(endpointName: string, problems: Problem[]) {
    const first = problems[0];
    const summary = first ? `${first.path}: ${first.message}` : 'invalid';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super('RECORDING_INVALID', `Recording "${endpointName}" cannot run: ${summary}${more}`, { problems });
  }
}

/** Every task handed over was refused at acceptance; `message` and `problems` say why for each. */
export class TasksRefusedError extends AppError {
  constructor(message: string, problems: Problem[]) {
    super('RECORDING_INVALID', message, { problems });
  }
}

export class DuplicateTaskError extends AppError {
  readonly taskId: string;

  constructor(taskId: string) {
    super('DUPLICATE_TASK', `A task with the same unique parameters is already queued or running: ${taskId}`);
    this.taskId = taskId;
  }
}

/** The local queue holds MAX_QUEUED_TASKS: the caller should try again later (or elsewhere). */
export class QueueFullError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('QUEUE_FULL', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The control plane answered with a 4xx: its status and message are passed on to our caller. */
export class ControlPlaneRejectedError extends AppError {
  readonly upstreamStatus: number;
  /** The task the control plane named (a duplicate's id), passed on to our caller. */
  readonly taskId: string | undefined;

  constructor(upstreamStatus: number, message: string, details: { taskId?: string; problems?: Problem[] } = {}) {
    super('CONTROL_PLANE_REJECTED', message, { problems: details.problems });
    this.upstreamStatus = upstreamStatus;
    this.taskId = details.taskId;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
