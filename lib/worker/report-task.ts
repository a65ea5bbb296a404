import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { freemem, totalmem } from 'node:os';
import { safeFileName } from '../automation/runner/downloads.js';
import { contentTypeOf } from '../http/content-types.js';
import type { ControlPlaneClient } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import type { OutputData } from '../schemas/wire/control-plane-requests.js';
import { taskPaths, type Task } from '../schemas/wire/task.js';
import type { UploadFilesPayload } from './outbox/deliver-report.js';
import type { NewEntry } from './outbox/outbox-store.js';
import type { Outbox } from './outbox/outbox.js';
import type { TaskRunOutcome } from './task-runner.js';

export type ReportContext = {
  controlPlane: ControlPlaneClient;
  /** Every report goes through it: written to disk first, then sent until acknowledged. */
  outbox: Outbox;
  logger: Logger;
  childProcessId: string;
  uniqueChildArn: string | null;
  now: () => Date;
  /** Keep the task's local folder once everything is delivered (the original keeps it in dev). */
  keepTaskFiles?: boolean;
};

/** Screenshots held in memory are written here so the outbox can send them after a restart. */
const UPLOADS_FOLDER = 'uploads';

/**
 * The end-of-run reports in the current protocol's order: output data, the files (upload URLs,
 * PUTs, confirm_downloads), the trajectory, complete_task (after the uploads, so a finished
 * task has its files), then the callback. They are written to the outbox at once and sent in
 * that order, each retried until acknowledged; this resolves once they are on disk.
 */
export async function reportTaskEnd(task: Task, outcome: TaskRunOutcome, ctx: ReportContext): Promise<void> {
  const apiKey = task.api_key;
  const paths = taskPaths(task);
  const entry = (kind: NewEntry['kind'], payload: Record<string, unknown>): NewEntry => ({ task_id: task.task_id, kind, payload });
  const entries: NewEntry[] = [];

  const outputData = outputDataForReport(outcome.outputData);
  if (outputData.length > 0 || outcome.finalScreenshot) {
    entries.push(
      entry('save_output_data', {
        api_key: apiKey,
        body: {
          task_id: task.task_id,
          output_data: outputData,
          final_screenshot: outcome.finalScreenshot,
          unique_child_arn: ctx.uniqueChildArn,
          system_info: [{ timestamp: ctx.now().toISOString(), total_system_memory: totalmem() / 2 ** 20, total_system_memory_used: (totalmem() - freemem()) / 2 ** 20 }],
          for_loop_status: outcome.forLoopStatus.length > 0 ? outcome.forLoopStatus : null,
        },
      }),
    );
  }

  const files = [...(await downloadFiles(paths.downloadsDirectory)), ...(await writeScreenshots(paths.taskDirectory, outcome))];
  if (files.length > 0) entries.push(entry('upload_files', { api_key: apiKey, task_id: task.task_id, files } satisfies UploadFilesPayload));

  entries.push(entry('save_trajectory', { api_key: apiKey, task_id: task.task_id, task_directory: paths.taskDirectory }));
  entries.push(
    entry('complete_task', {
      api_key: apiKey,
      body: {
        task_id: task.task_id,
        child_process_id: Number(ctx.childProcessId) || 0,
        unique_child_arn: ctx.uniqueChildArn,
        status: outcome.status,
        error: outcome.error,
        completed_at: ctx.now().toISOString(),
        token_usage: outcome.tokenUsage ?? null,
        retry_count: task.retry_count + 1,
      },
    }),
  );

  // The original sends no callback for a task the user cancelled.
  if ((task.callback_url || task.task_callback_url) && outcome.status !== 'cancelled') {
    entries.push(
      entry('initiate_callback', {
        api_key: apiKey,
        body: {
          task_id: task.task_id,
          endpoint_name: task.endpoint_name,
          task_callback_url: task.task_callback_url ?? null,
          task_callback_api_key: task.task_callback_api_key ?? null,
          callback_url: task.callback_url ?? null,
        },
      }),
    );
  }
  if (!ctx.keepTaskFiles) entries.push(entry('remove_task_files', { task_directory: paths.taskDirectory }));
  await ctx.outbox.add(entries);
}

/** The start of the task, sent through the outbox like every other report. */
export async function reportTaskStart(task: Task, outbox: Outbox): Promise<void> {
  await outbox.add([
    {
      task_id: task.task_id,
      kind: 'start_task',
      payload: { api_key: task.api_key, body: { task_id: task.task_id, started_at: task.started_at, allocated_at: task.allocated_at ?? null } },
    },
  ]);
}

/** A task refused at acceptance never ran: its only report is complete_task, failed with the reason. */
export async function reportTaskRefused(task: Task, error: string, ctx: Pick<ReportContext, 'outbox' | 'childProcessId' | 'uniqueChildArn' | 'now'>): Promise<void> {
  await ctx.outbox.add([
    {
      task_id: task.task_id,
      kind: 'complete_task',
      payload: {
        api_key: task.api_key,
        body: {
          task_id: task.task_id,
          child_process_id: Number(ctx.childProcessId) || 0,
          unique_child_arn: ctx.uniqueChildArn,
          status: 'failed',
          error,
          completed_at: ctx.now().toISOString(),
          token_usage: null,
          retry_count: task.retry_count + 1,
        },
      },
    },
  ]);
}

/** Output data as the original uploads it: no screenshots (they go as files), no nulls, no empty entries. */
export function outputDataForReport(outputData: OutputData[]): Record<string, unknown>[] {
  return outputData
    .map((item) => Object.fromEntries(Object.entries(item).filter(([key, value]) => key !== 'screenshot' && value != null)))
    .filter((item) => Object.keys(item).length > 0);
}

type UploadFile = UploadFilesPayload['files'][number];

async function downloadFiles(dir: string): Promise<UploadFile[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  const files: UploadFile[] = [];
  for (const name of names) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) files.push({ filename: name, path: join(dir, name), content_type: contentTypeOf(name) });
  }
  return files;
}

/** Each screenshot output (under its recorded name) and final_screenshot.png, as files. */
async function writeScreenshots(taskDirectory: string, outcome: TaskRunOutcome): Promise<UploadFile[]> {
  // A recorded name without an extension gets `.png`, so the file is served as the image it is.
  const named = (name: string) => (extname(name) === '' ? `${name}.png` : name);
  const shots = outcome.outputData.flatMap((item) => (item.screenshot ? [{ filename: named(safeFileName(item.screenshot.filename, 'screenshot')), base64: item.screenshot.base64 }] : []));
  if (outcome.finalScreenshot) shots.push({ filename: 'final_screenshot.png', base64: outcome.finalScreenshot });
  if (shots.length === 0) return [];
  const dir = join(taskDirectory, UPLOADS_FOLDER);
  await mkdir(dir, { recursive: true });
  const files: UploadFile[] = [];
  for (const shot of shots) {
    const path = join(dir, shot.filename);
    await writeFile(path, Buffer.from(shot.base64, 'base64'));
    files.push({ filename: shot.filename, path, content_type: 'image/png' });
  }
  return files;
}
