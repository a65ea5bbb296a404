import * as z from 'zod';
import { NotFoundError } from '../../errors.js';
import type { Route } from '../../http/node-server.js';
import { jsonResponse, rawResponse } from '../../http/responses.js';
import { TaskStatus } from '../../schemas/wire/task.js';
import { attachmentDisposition, contentTypeOf } from '../../http/content-types.js';
import { basePath, type ControlPlaneDeps, parseQuery, pathParameter, protectedRoute } from './route-kit.js';
import { quoteName } from './safe-names.js';
import type { FileKind } from './task-store.js';
import { requireTask, taskDetail, taskSummary } from './task-views.js';

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  status: TaskStatus.optional(),
});

/** Our own read API: tasks, their files and trajectories. */
export function taskQueryRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, store, files } = deps;
  const tasksPath = basePath(settings, '/api/v1/tasks');

  /** Only files the store lists are served, and only from that task's folder. */
  async function storedFile(taskId: string, kind: FileKind, name: string) {
    requireTask(store, taskId);
    const listed = store.listFiles(taskId, kind).some((file) => file.name === name);
    const content = listed ? await files.readStoredFile(taskId, kind, name) : undefined;
    if (!content) throw new NotFoundError(`Task ${quoteName(taskId)} has no ${kind} named ${quoteName(name)}`);
    return content;
  }

  return [
    protectedRoute(deps, { method: 'GET', path: tasksPath }, async (event) => {
      const query = parseQuery(event, ListQuery);
      const tasks = store.listTasks({ limit: query.limit, status: query.status });
      return jsonResponse(200, { tasks: tasks.map(taskSummary) });
    }),

    protectedRoute(deps, { method: 'GET', path: `${tasksPath}/{task_id}` }, async (event) => {
      const task = requireTask(store, pathParameter(event, 'task_id'));
      return jsonResponse(200, taskDetail(task, store));
    }),

    protectedRoute(deps, { method: 'GET', path: `${tasksPath}/{task_id}/downloads/{filename+}` }, async (event) => {
      const name = pathParameter(event, 'filename');
      const content = await storedFile(pathParameter(event, 'task_id'), 'download', name);
      return rawResponse(200, content, contentTypeOf(name), { 'content-disposition': attachmentDisposition(name) });
    }),

    protectedRoute(deps, { method: 'GET', path: `${tasksPath}/{task_id}/screenshots/{filename}` }, async (event) => {
      const name = pathParameter(event, 'filename');
      const content = await storedFile(pathParameter(event, 'task_id'), 'screenshot', name);
      return rawResponse(200, content, contentTypeOf(name, 'image/png'));
    }),

    protectedRoute(deps, { method: 'GET', path: `${tasksPath}/{task_id}/final_screenshot` }, async (event) => {
      const task = requireTask(store, pathParameter(event, 'task_id'));
      const content = task.final_screenshot ? await files.readFinalScreenshot(task.task_id, task.final_screenshot) : undefined;
      if (!content || !task.final_screenshot) throw new NotFoundError(`Task ${quoteName(task.task_id)} has no final screenshot`);
      return rawResponse(200, content, contentTypeOf(task.final_screenshot));
    }),

    protectedRoute(deps, { method: 'GET', path: `${tasksPath}/{task_id}/trajectory` }, async (event) => {
      const task = requireTask(store, pathParameter(event, 'task_id'));
      const content = task.has_trajectory ? await files.readTrajectory(task.task_id) : undefined;
      if (!content) throw new NotFoundError(`Task ${quoteName(task.task_id)} has no trajectory`);
      return rawResponse(200, content, 'application/gzip', { 'content-disposition': attachmentDisposition(`${task.task_id}.tar.gz`) });
    }),
  ];
}
