import * as z from 'zod';
import { AwareDateTime, ParameterValues } from './primitives.js';
import { CallbackUrl } from './task.js';

/** Bodies the worker sends to the control plane, as the original's schema/task.py defines them. */

export const TaskCreateRequest = z.object({
  task_id: z.string().min(1),
  recording_id: z.string().min(1),
  input_parameters: ParameterValues,
  unique_parameter_names: z.array(z.string()),
  created_at: AwareDateTime,
});
export type TaskCreateRequest = z.infer<typeof TaskCreateRequest>;

export const TaskStartedRequest = z.object({
  task_id: z.string().min(1),
  started_at: AwareDateTime,
  allocated_at: AwareDateTime.nullish(),
});
export type TaskStartedRequest = z.infer<typeof TaskStartedRequest>;

export const TokenUsage = z.object({
  input_tokens: z.number().int().default(0),
  output_tokens: z.number().int().default(0),
  tool_use_tokens: z.number().int().default(0),
  thoughts_tokens: z.number().int().default(0),
  total_tokens: z.number().int().default(0),
  calculated_total_tokens: z.number().int().default(0),
  input_cost: z.number().default(0),
  output_cost: z.number().default(0),
  tool_use_cost: z.number().default(0),
  thoughts_cost: z.number().default(0),
  total_cost: z.number().default(0),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const COMPLETED_STATUSES = ['success', 'failed', 'cancelled', 'killed'] as const;

export const TaskCompleteRequest = z.object({
  task_id: z.string().min(1),
  child_process_id: z.coerce.number().int(),
  unique_child_arn: z.string().nullish(),
  status: z.enum(COMPLETED_STATUSES),
  error: z.string().nullable(),
  completed_at: AwareDateTime,
  token_usage: TokenUsage.nullish(),
  retry_count: z.number().int().min(0),
});
export type TaskCompleteRequest = z.infer<typeof TaskCompleteRequest>;

export const ScreenshotData = z.object({ filename: z.string(), base64: z.string() });

export const OutputData = z.object({
  unique_identifier: z.string().nullish(),
  json_data: z.record(z.string(), z.unknown()).nullish(),
  screenshot: ScreenshotData.nullish(),
  text: z.string().nullish(),
});
export type OutputData = z.infer<typeof OutputData>;

export const ForLoopStatus = z.object({
  variable_name: z.string(),
  index: z.number().int(),
  value: z.union([z.string(), z.number(), z.boolean()]),
  error: z.string().nullish(),
  status: z.enum(['success', 'error', 'skipped']),
});
export type ForLoopStatus = z.infer<typeof ForLoopStatus>;

export const SystemInfo = z.object({
  timestamp: AwareDateTime,
  total_system_memory: z.number(),
  total_system_memory_used: z.number(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

const PNG_BASE64_PREFIX = 'iVBORw0KGgo';
const JPEG_BASE64_PREFIX = '/9j/';

export const TaskOutputDataRequest = z.object({
  task_id: z.string().min(1),
  output_data: z.array(z.record(z.string(), z.unknown())),
  final_screenshot: z
    .string()
    .refine((value) => value.startsWith(PNG_BASE64_PREFIX) || value.startsWith(JPEG_BASE64_PREFIX), 'must be a base64 PNG or JPEG image')
    .nullable(),
  for_loop_status: z.array(z.array(ForLoopStatus)).nullish(),
  system_info: z.array(SystemInfo).nullish(),
  unique_child_arn: z.string().nullish(),
});
export type TaskOutputDataRequest = z.infer<typeof TaskOutputDataRequest>;

/** POST human_in_loop: a step is waiting for a person to act in the browser. */
export const HumanInLoopRequest = z.object({ task_id: z.string().min(1) });
export type HumanInLoopRequest = z.infer<typeof HumanInLoopRequest>;

/** POST request_download_upload_urls: one upload URL per file the task produced. */
export const UploadUrlsRequest = z.object({ task_id: z.string().min(1), filenames: z.array(z.string().min(1)) });
export type UploadUrlsRequest = z.infer<typeof UploadUrlsRequest>;

/** Each file is then sent with `PUT upload_url`, the raw bytes, `Content-Type: content_type`. */
export const UploadUrlsAnswer = z.object({
  uploads: z.array(z.object({ filename: z.string(), upload_url: z.url({ protocol: /^https?$/ }), content_type: z.string() })),
});
export type UploadUrlsAnswer = z.infer<typeof UploadUrlsAnswer>;

/** POST confirm_downloads: the files that were uploaded. */
export const ConfirmDownloadsRequest = z.object({
  task_id: z.string().min(1),
  filenames: z.array(z.string().min(1)),
  downloads_metadata: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
});
export type ConfirmDownloadsRequest = z.infer<typeof ConfirmDownloadsRequest>;

/** POST initiate_callback: the control plane delivers the task's result to its callback. */
export const InitiateCallbackRequest = z.object({
  task_id: z.string().min(1),
  endpoint_name: z.string().min(1),
  task_callback_url: z.string().nullish(),
  task_callback_api_key: z.string().nullish(),
  callback_url: CallbackUrl.nullish(),
});
export type InitiateCallbackRequest = z.infer<typeof InitiateCallbackRequest>;

/** The answer of GET recording/{recording_id}, fetched again right before a run. */
export const RecordingAnswer = z.object({ automation: z.record(z.string(), z.unknown()), callback_url: CallbackUrl.nullish() });
export type RecordingAnswer = z.infer<typeof RecordingAnswer>;
