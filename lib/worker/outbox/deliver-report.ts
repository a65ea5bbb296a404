import { readFile, rm, stat } from 'node:fs/promises';
import * as z from 'zod';
import { createTarGz } from '../../artifacts/tar-gz.js';
import { STEP_ARCHIVE_FILE } from '../../automation/runner/step-file-sink.js';
import type { ControlPlaneClient } from '../../control-plane/control-plane-client.js';
import type { Logger } from '../../log/logger.js';
import {
  InitiateCallbackRequest,
  TaskCompleteRequest,
  TaskOutputDataRequest,
  TaskStartedRequest,
} from '../../schemas/wire/control-plane-requests.js';
import type { Deliver } from './outbox.js';
import type { OutboxEntry } from './outbox-store.js';

const WithKey = z.object({ api_key: z.string() });

export const UploadFilesPayload = WithKey.extend({
  task_id: z.string(),
  files: z.array(z.object({ filename: z.string(), path: z.string(), content_type: z.string() })),
});
export type UploadFilesPayload = z.infer<typeof UploadFilesPayload>;

export const TrajectoryPayload = WithKey.extend({ task_id: z.string(), task_directory: z.string() });
export const RemoveFilesPayload = z.object({ task_directory: z.string() });

/** The same report sent again (after a lost answer) carries the same key. */
const keyOf = (entry: OutboxEntry) => `${entry.task_id}/${entry.kind}`;

/**
 * Sends one outbox entry with the control-plane protocol's calls. Files are read when the entry
 * is sent, from the task's folder, which is only removed by the task's last entry.
 */
export function createReportDelivery(options: { controlPlane: ControlPlaneClient; logger: Logger }): Deliver {
  const { controlPlane, logger } = options;
  return async (entry) => {
    const key = keyOf(entry);
    switch (entry.kind) {
      case 'start_task': {
        const { api_key, body } = WithKey.extend({ body: TaskStartedRequest }).parse(entry.payload);
        await controlPlane.startTask(api_key, body, key);
        return;
      }
      case 'save_output_data': {
        const { api_key, body } = WithKey.extend({ body: TaskOutputDataRequest }).parse(entry.payload);
        await controlPlane.saveOutputData(api_key, body, key);
        return;
      }
      case 'upload_files':
        return uploadFiles(controlPlane, UploadFilesPayload.parse(entry.payload), key, logger);
      case 'save_trajectory': {
        const { api_key, task_id, task_directory } = TrajectoryPayload.parse(entry.payload);
        // A run whose files were not kept wrote its step folders as one archive: packed as those folders.
        const archive = await createTarGz(task_directory, { arcName: task_id, exclude: ['downloads', 'uploads'], expand: [`logs/${STEP_ARCHIVE_FILE}`] });
        await controlPlane.saveTrajectory(api_key, task_id, { field: 'compressed_trajectory', filename: `${task_id}.tar.gz`, contentType: 'application/gzip', content: archive }, key);
        return;
      }
      case 'complete_task': {
        const { api_key, body } = WithKey.extend({ body: TaskCompleteRequest }).parse(entry.payload);
        await controlPlane.completeTask(api_key, body, key);
        return;
      }
      case 'initiate_callback': {
        const { api_key, body } = WithKey.extend({ body: InitiateCallbackRequest }).parse(entry.payload);
        await controlPlane.initiateCallback(api_key, body, key);
        return;
      }
      case 'remove_task_files': {
        const { task_directory } = RemoveFilesPayload.parse(entry.payload);
        await rm(task_directory, { recursive: true, force: true });
        return;
      }
    }
  };
}

/**
 * The current protocol's file upload: one URL per file, a PUT of each file's bytes, then
 * confirm_downloads with the names sent. All of it is repeated if any part fails: asking for
 * URLs again and overwriting a file are both harmless.
 */
async function uploadFiles(controlPlane: ControlPlaneClient, payload: UploadFilesPayload, key: string, logger: Logger): Promise<void> {
  const present = [];
  for (const file of payload.files) {
    const info = await stat(file.path).catch(() => undefined);
    if (info?.isFile()) present.push(file);
    else logger.warn('file to upload is gone', { task_id: payload.task_id, file: file.filename });
  }
  if (present.length === 0) return;
  const { uploads } = await controlPlane.requestUploadUrls(payload.api_key, { task_id: payload.task_id, filenames: present.map((file) => file.filename) }, key);
  const sent: string[] = [];
  for (const file of present) {
    const upload = uploads.find((candidate) => candidate.filename === file.filename);
    if (!upload) {
      logger.warn('control plane gave no upload URL for a file', { task_id: payload.task_id, file: file.filename });
      continue;
    }
    await controlPlane.uploadFile(upload.upload_url, upload.content_type, await readFile(file.path));
    sent.push(file.filename);
  }
  if (sent.length > 0) await controlPlane.confirmDownloads(payload.api_key, { task_id: payload.task_id, filenames: sent }, key);
}
