import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { freemem, totalmem } from 'node:os';
import { createTarGz } from '../artifacts/tar-gz.js';
import type { ControlPlaneClient, MultipartFile } from '../control-plane/control-plane-client.js';
import type { Logger } from '../log/logger.js';
import type { OutputData } from '../schemas/wire/control-plane-requests.js';
import { taskPaths, type Task } from '../schemas/wire/task.js';
import type { TaskRunOutcome } from './task-runner.js';

export type ReportContext = {
  controlPlane: ControlPlaneClient;
  logger: Logger;
  childProcessId: string;
  uniqueChildArn: string | null;
  now: () => Date;
};

/**
 * The end-of-run reports in the original's order: output data, downloads, trajectory, then
 * complete_task (after the uploads, so a finished task has its files), then the callback.
 * Each report is attempted whatever happened to the one before it.
 */
export async function reportTaskEnd(task: Task, outcome: TaskRunOutcome, ctx: ReportContext): Promise<void> {
  const apiKey = task.api_key;
  const attempt = async (name: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      ctx.logger.error(`${name} failed`, { error });
    }
  };
  const paths = taskPaths(task);

  const outputData = outputDataForReport(outcome.outputData);
  if (outputData.length > 0 || outcome.finalScreenshot) {
    await attempt('save_output_data', () =>
      ctx.controlPlane.saveOutputData(apiKey, {
        task_id: task.task_id,
        output_data: outputData,
        final_screenshot: outcome.finalScreenshot,
        unique_child_arn: ctx.uniqueChildArn,
        system_info: [{ timestamp: ctx.now().toISOString(), total_system_memory: totalmem() / 2 ** 20, total_system_memory_used: (totalmem() - freemem()) / 2 ** 20 }],
        for_loop_status: outcome.forLoopStatus.length > 0 ? outcome.forLoopStatus : null,
      }),
    );
  }

  const screenshots = screenshotFiles(outcome);
  const downloadNames = await listFiles(paths.downloadsDirectory);
  if (downloadNames.length > 0 || screenshots.length > 0) {
    await attempt('save_downloads', async () => {
      const archive = await createTarGz(paths.downloadsDirectory, { arcName: task.task_id });
      const files: MultipartFile[] = [
        { field: 'compressed_downloads', filename: `${task.task_id}.tar.gz`, contentType: 'application/gzip', content: archive },
        ...screenshots,
      ];
      await ctx.controlPlane.saveDownloads(apiKey, task.task_id, files);
    });
  }

  await attempt('save_trajectory', async () => {
    const archive = await createTarGz(paths.taskDirectory, { arcName: task.task_id, exclude: ['downloads'] });
    await ctx.controlPlane.saveTrajectory(apiKey, task.task_id, {
      field: 'compressed_trajectory',
      filename: `${task.task_id}.tar.gz`,
      contentType: 'application/gzip',
      content: archive,
    });
  });

  await attempt('complete_task', () =>
    ctx.controlPlane.completeTask(apiKey, {
      task_id: task.task_id,
      child_process_id: Number(ctx.childProcessId) || 0,
      unique_child_arn: ctx.uniqueChildArn,
      status: outcome.status,
      error: outcome.error,
      completed_at: ctx.now().toISOString(),
      token_usage: outcome.tokenUsage ?? null,
      retry_count: task.retry_count + 1,
    }),
  );

  const callbackUrl = task.callback_url ?? (task.task_callback_url ? { url: task.task_callback_url, api_key: task.task_callback_api_key ?? null } : null);
  if (callbackUrl) await attempt('callback', () => ctx.controlPlane.callback(apiKey, task.task_id, callbackUrl));
}

/** Output data as the original uploads it: no screenshots (they go as files), no nulls, no empty entries. */
export function outputDataForReport(outputData: OutputData[]): Record<string, unknown>[] {
  return outputData
    .map((item) => Object.fromEntries(Object.entries(item).filter(([key, value]) => key !== 'screenshot' && value != null)))
    .filter((item) => Object.keys(item).length > 0);
}

function screenshotFiles(outcome: TaskRunOutcome): MultipartFile[] {
  const files: MultipartFile[] = outcome.outputData.flatMap((item) =>
    item.screenshot
      ? [{ field: 'screenshots', filename: item.screenshot.filename, contentType: 'image/png', content: Buffer.from(item.screenshot.base64, 'base64') }]
      : [],
  );
  if (outcome.finalScreenshot) {
    files.push({ field: 'screenshots', filename: 'final_screenshot.png', contentType: 'image/png', content: Buffer.from(outcome.finalScreenshot, 'base64') });
  }
  return files;
}

async function listFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: string[] = [];
  for (const name of names) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) files.push(name);
  }
  return files;
}
