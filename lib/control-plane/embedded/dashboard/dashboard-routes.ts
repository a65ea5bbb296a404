import { capabilitiesFromSettings } from '../../../automation/worker-capabilities.js';
import { TRACE_FILE } from '../../../automation/runner/step-summary.js';
import { NotFoundError } from '../../../errors.js';
import type { HttpEvent } from '../../../http/create-http-handler.js';
import { attachmentDisposition, contentTypeOf } from '../../../http/content-types.js';
import { describeError } from '../../../http/error-status.js';
import type { Route } from '../../../http/node-server.js';
import { jsonResponse, rawResponse, type HttpResult } from '../../../http/responses.js';
import { basePath, type ControlPlaneDeps, pathParameter, publicRoute, type RouteSpec } from '../route-kit.js';
import { quoteName } from '../safe-names.js';
import type { FileKind } from '../task-store.js';
import { requireTask, taskDetail } from '../task-views.js';
import { createDashboardAuth } from './dashboard-auth.js';
import { page, redirect, SECURITY_HEADERS, unauthorized } from './dashboard-layout.js';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { html } from './html.js';
import { loginBody } from './login-page.js';
import { inspectRecording, recordingBody, recordingsListBody } from './recordings-page.js';
import { taskPageBody } from './task-page.js';
import { ListFilters, listTasks, taskListBody } from './task-list-page.js';
import { hasLogsEntry, readLogsEntry, readSteps } from './trajectory-reader.js';

type Kind = 'page' | 'data';

/** Files a step folder or the logs folder may hold, and how they are answered. */
const LOG_FILE_TYPES: Readonly<Record<string, { contentType: string; attachment: boolean }>> = {
  '.png': { contentType: 'image/png', attachment: false },
  '.jpg': { contentType: 'image/jpeg', attachment: false },
  '.jpeg': { contentType: 'image/jpeg', attachment: false },
  '.txt': { contentType: 'text/plain; charset=utf-8', attachment: false },
  // Shown as text: a model's answer is data to read, never a document to run.
  '.json': { contentType: 'text/plain; charset=utf-8', attachment: false },
  '.zip': { contentType: 'application/zip', attachment: true },
};

/** Files are shown on their own too; a sandbox keeps even a hostile one inert. */
const FILE_HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox" };

/**
 * The dashboard under `/dashboard`: server-rendered pages over the task store, the recordings
 * and each task's stored files, behind the API key (as a header, or the session cookie that
 * signing in sets).
 */
export function dashboardRoutes(deps: ControlPlaneDeps): Route[] {
  const { settings, store, files, recordings, logger } = deps;
  const base = basePath(settings, '/dashboard');
  const auth = createDashboardAuth(settings.API_KEY, { cookiePath: base || '/', secure: new URL(settings.SERVER_URL).protocol === 'https:' });
  const capabilities = capabilitiesFromSettings(settings);

  const loginLocation = (event: HttpEvent) => {
    const here = event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath;
    return `${base}/login?next=${encodeURIComponent(here)}`;
  };

  /** Signed in, or sent to the login page (pages) or refused without detail (data and files). */
  const route = (spec: RouteSpec, kind: Kind, fn: (event: HttpEvent) => Promise<HttpResult>): Route =>
    publicRoute(deps, spec, async (event) => {
      if (!auth.isSignedIn(event)) return kind === 'page' ? redirect(loginLocation(event)) : unauthorized();
      try {
        return await fn(event);
      } catch (error) {
        return failure(error, kind, event);
      }
    });

  function failure(error: unknown, kind: Kind, event: HttpEvent): HttpResult {
    const { status, body, exposed } = describeError(error);
    if (!exposed) logger.error('dashboard request failed', { route: `${event.requestContext?.http?.method ?? ''} ${event.rawPath}`, error });
    if (kind === 'data') return rawResponse(status, body.error, 'text/plain; charset=utf-8', { ...SECURITY_HEADERS });
    return page({ title: status === 404 ? 'Not found' : 'Error', base, status }, html`<h1>${status === 404 ? 'Not found' : 'Something went wrong'}</h1><p>${body.error}</p><p><a href="${base}">Back to the tasks</a></p>`);
  }

  const file = (content: Buffer, contentType: string, name?: string): HttpResult =>
    rawResponse(200, content, contentType, { ...FILE_HEADERS, ...(name ? { 'content-disposition': attachmentDisposition(name) } : {}) });

  async function storedFile(taskId: string, kind: FileKind, name: string): Promise<Buffer> {
    requireTask(store, taskId);
    const listed = store.listFiles(taskId, kind).some((stored) => stored.name === name);
    const content = listed ? await files.readStoredFile(taskId, kind, name) : undefined;
    if (!content) throw new NotFoundError(`Task ${quoteName(taskId)} has no ${kind} named ${quoteName(name)}`);
    return content;
  }

  async function trajectoryOf(taskId: string): Promise<Buffer | undefined> {
    const task = requireTask(store, taskId);
    return task.has_trajectory ? files.readTrajectory(task.task_id) : undefined;
  }

  const tasksPath = `${base}/tasks`;
  const taskPath = `${tasksPath}/{task_id}`;

  return [
    publicRoute(deps, { method: 'GET', path: `${base}/login` }, async (event) => {
      if (auth.isSignedIn(event)) return redirect(safeNext(event.queryStringParameters?.['next'], base));
      return page({ title: 'Sign in', base, signedIn: false }, loginBody(base, safeNext(event.queryStringParameters?.['next'], base), null));
    }),

    publicRoute(deps, { method: 'POST', path: `${base}/login`, maxBodyBytes: 16 * 1024 }, async (event) => {
      const form = new URLSearchParams(event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
      const next = safeNext(form.get('next') ?? undefined, base);
      const key = form.get('api_key') ?? '';
      if (key === '' || !auth.sameKey(key)) {
        return page({ title: 'Sign in', base, signedIn: false, status: 401 }, loginBody(base, next, 'That API key is not correct.'));
      }
      return redirect(next, [auth.signInCookie()]);
    }),

    publicRoute(deps, { method: 'POST', path: `${base}/logout` }, async () => redirect(`${base}/login`, [auth.signOutCookie()])),

    route({ method: 'GET', path: `${base}/dashboard.js` }, 'data', async () =>
      rawResponse(200, DASHBOARD_SCRIPT, 'text/javascript; charset=utf-8', { ...SECURITY_HEADERS }),
    ),

    route({ method: 'GET', path: base }, 'page', async (event) => {
      const filters = ListFilters.parse(event.queryStringParameters ?? {});
      const listing = listTasks(store, filters, base, deps.now());
      return page({ title: 'Tasks', base, script: true }, taskListBody(listing, filters, base, await recordings.list()));
    }),

    route({ method: 'GET', path: `${base}/tasks.json` }, 'data', async (event) => {
      const filters = ListFilters.parse(event.queryStringParameters ?? {});
      const listing = listTasks(store, filters, base, deps.now());
      return jsonResponse(200, { tasks: listing.rows, has_more: listing.hasMore }, { ...SECURITY_HEADERS });
    }),

    route({ method: 'GET', path: taskPath }, 'page', async (event) => {
      const task = requireTask(store, pathParameter(event, 'task_id'));
      const archive = await trajectoryOf(task.task_id);
      const steps = archive ? await readSteps(archive, task.task_id) : { kind: 'none' as const };
      const hasTrace = archive ? await hasLogsEntry(archive, task.task_id, TRACE_FILE) : false;
      const body = taskPageBody({ task, detail: taskDetail(task, store), steps, hasTrace, base, now: deps.now() });
      return page({ title: `Task ${task.task_id}`, base }, body);
    }),

    route({ method: 'GET', path: `${taskPath}/logs/{path+}` }, 'data', async (event) => {
      const taskId = pathParameter(event, 'task_id');
      const path = pathParameter(event, 'path');
      const type = LOG_FILE_TYPES[/\.[a-z]+$/i.exec(path)?.[0]?.toLowerCase() ?? ''];
      const archive = await trajectoryOf(taskId);
      const entry = archive && type ? await readLogsEntry(archive, taskId, path) : undefined;
      if (entry?.kind !== 'found' || !type) throw new NotFoundError(`Task ${quoteName(taskId)} has no log file ${quoteName(path)}`);
      return file(entry.content, type.contentType, type.attachment ? path : undefined);
    }),

    route({ method: 'GET', path: `${taskPath}/trajectory` }, 'data', async (event) => {
      const taskId = pathParameter(event, 'task_id');
      const archive = await trajectoryOf(taskId);
      if (!archive) throw new NotFoundError(`Task ${quoteName(taskId)} has no trajectory`);
      return file(archive, 'application/gzip', `${taskId}.tar.gz`);
    }),

    route({ method: 'GET', path: `${taskPath}/final_screenshot` }, 'data', async (event) => {
      const task = requireTask(store, pathParameter(event, 'task_id'));
      const content = task.final_screenshot ? await files.readFinalScreenshot(task.task_id, task.final_screenshot) : undefined;
      if (!content || !task.final_screenshot) throw new NotFoundError(`Task ${quoteName(task.task_id)} has no final screenshot`);
      return file(content, contentTypeOf(task.final_screenshot, 'image/png'));
    }),

    route({ method: 'GET', path: `${taskPath}/downloads/{filename+}` }, 'data', async (event) => {
      const name = pathParameter(event, 'filename');
      return file(await storedFile(pathParameter(event, 'task_id'), 'download', name), contentTypeOf(name), name);
    }),

    route({ method: 'GET', path: `${taskPath}/screenshots/{filename}` }, 'data', async (event) => {
      const name = pathParameter(event, 'filename');
      const content = await storedFile(pathParameter(event, 'task_id'), 'screenshot', name);
      return file(content, imageType(content));
    }),

    route({ method: 'GET', path: `${taskPath}/output/{index}/screenshot` }, 'data', async (event) => {
      const task = requireTask(store, pathParameter(event, 'task_id'));
      const index = Number(pathParameter(event, 'index'));
      const item = Number.isInteger(index) ? task.output_data?.[index] : undefined;
      const base64 = (item?.['screenshot'] as { base64?: unknown } | null | undefined)?.base64;
      if (typeof base64 !== 'string') throw new NotFoundError(`Task ${quoteName(task.task_id)} has no output screenshot ${quoteName(String(index))}`);
      const content = Buffer.from(base64, 'base64');
      return file(content, imageType(content));
    }),

    route({ method: 'GET', path: `${base}/recordings` }, 'page', async () => {
      const names = await recordings.list();
      const reports = (await Promise.all(names.map((name) => inspectRecording(recordings.directory, name, capabilities)))).filter((report) => report !== undefined);
      return page({ title: 'Recordings', base }, recordingsListBody(reports, base, recordings.directory));
    }),

    route({ method: 'GET', path: `${base}/recordings/{name}` }, 'page', async (event) => {
      const name = pathParameter(event, 'name');
      const known = (await recordings.list()).includes(name);
      const report = known ? await inspectRecording(recordings.directory, name, capabilities) : undefined;
      if (!report) throw new NotFoundError(`No recording named ${quoteName(name)}`);
      return page({ title: `Recording ${name}`, base }, recordingBody(report, base));
    }),
  ];
}

/** Only a path of this dashboard: a login link must never send the browser elsewhere. */
function safeNext(next: string | undefined, base: string): string {
  const home = base || '/';
  if (next === undefined || /[\\\u0000-\u001f]/.test(next) || next.includes('//')) return home;
  // Judged as the browser will resolve it: `/dashboard/../api` and `%2e%2e` leave the dashboard.
  let resolved: URL;
  try {
    resolved = new URL(next, 'http://dashboard.invalid');
  } catch {
    return home;
  }
  if (resolved.origin !== 'http://dashboard.invalid' || /%2e/i.test(next)) return home;
  const inside = resolved.pathname === base || resolved.pathname.startsWith(`${base}/`);
  return inside ? `${resolved.pathname}${resolved.search}` : home;
}

function imageType(content: Buffer): string {
  return content.length > 2 && content[0] === 0xff && content[1] === 0xd8 ? 'image/jpeg' : 'image/png';
}

