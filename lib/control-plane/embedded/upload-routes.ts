import * as z from 'zod';
import type { Route } from '../../http/node-server.js';
import { validateBody } from '../../http/parse-json-body.js';
import { jsonResponse } from '../../http/responses.js';
import { readMultipart, single, UploadedFile } from './multipart.js';
import { type ControlPlaneDeps, endpointPath, reportRoute } from './route-kit.js';
import { fileNameProblem } from './safe-names.js';
import { requireTask } from './task-views.js';

/** Downloads and trajectories arrive whole in one multipart body. */
export const UPLOAD_MAX_BODY_BYTES = 256 * 1024 * 1024;

const Screenshot = UploadedFile.superRefine((file, ctx) => {
  const problem = fileNameProblem(file.filename);
  if (problem) ctx.addIssue({ code: 'custom', path: ['filename'], message: `file name ${problem}` });
});

const SaveDownloadsForm = z.object({
  task_id: z.string().min(1),
  compressed_downloads: UploadedFile.optional(),
  screenshots: z.array(Screenshot).default([]),
});

const SaveTrajectoryForm = z.object({
  task_id: z.string().min(1),
  compressed_trajectory: UploadedFile.refine((file) => file.content[0] === 0x1f && file.content[1] === 0x8b, 'must be a gzip archive (.tar.gz)'),
});

/** `save_downloads` (tar.gz of the downloads folder + screenshots) and `save_trajectory`. */
export function uploadRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, store, files } = deps;
  return [
    reportRoute(
      deps,
      { method: 'POST', path: endpointPath(settings, settings.SAVE_DOWNLOADS_ENDPOINT), maxBodyBytes: UPLOAD_MAX_BODY_BYTES },
      async (event) => {
        const body = await readMultipart(event);
        const form = validateBody(
          { task_id: single(body.fields.task_id), compressed_downloads: single(body.files.compressed_downloads), screenshots: body.files.screenshots },
          SaveDownloadsForm,
        );
        requireTask(store, form.task_id);
        // One report is the whole set: files of an earlier report that are absent now go away.
        const downloads = form.compressed_downloads
          ? await files.replaceDownloads(form.task_id, form.compressed_downloads.content, 'compressed_downloads')
          : [];
        const screenshots = await files.replaceScreenshots(
          form.task_id,
          form.screenshots.map((file) => ({ name: file.filename, content: file.content })),
        );
        store.replaceFiles(form.task_id, 'download', downloads);
        store.replaceFiles(form.task_id, 'screenshot', screenshots);
        return jsonResponse(200, {
          success: true,
          task_id: form.task_id,
          downloads: downloads.map((file) => file.name),
          screenshots: screenshots.map((file) => file.name),
        });
      },
    ),

    reportRoute(
      deps,
      { method: 'POST', path: endpointPath(settings, settings.SAVE_TRAJECTORY_ENDPOINT), maxBodyBytes: UPLOAD_MAX_BODY_BYTES },
      async (event) => {
        const body = await readMultipart(event);
        const form = validateBody(
          { task_id: single(body.fields.task_id), compressed_trajectory: single(body.files.compressed_trajectory) },
          SaveTrajectoryForm,
        );
        requireTask(store, form.task_id);
        await files.writeTrajectory(form.task_id, form.compressed_trajectory.content);
        store.markTrajectorySaved(form.task_id);
        return jsonResponse(200, { success: true, task_id: form.task_id, bytes: form.compressed_trajectory.content.length });
      },
    ),
  ];
}
