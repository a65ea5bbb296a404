import * as z from 'zod';
import { TASK_STATUSES, TaskStatus } from '../../../schemas/wire/task.js';
import type { TaskRecord, TaskStore } from '../task-store.js';
import { durationOf, shortText, shortTime } from './format.js';
import { html, pathOf, type SafeHtml } from './html.js';


const blankIsUnset = (value: unknown) => (value === '' ? undefined : value);

export const ListFilters = z.object({
  status: z.preprocess(blankIsUnset, TaskStatus.optional()).catch(undefined),
  endpoint: z.preprocess(blankIsUnset, z.string().max(128).optional()).catch(undefined),
  limit: z.coerce.number().int().min(1).max(500).catch(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).catch(0),
});
export type ListFilters = z.output<typeof ListFilters>;

/** One row as both the page and the live update show it: already formatted text. */
export type TaskRow = {
  task_id: string;
  href: string;
  status: string;
  endpoint_name: string;
  created: string;
  started: string;
  completed: string;
  duration: string;
  error: string;
};

export type TaskListing = { rows: TaskRow[]; hasMore: boolean; endpoints: string[] };

export function listTasks(store: TaskStore, filters: ListFilters, base: string, now: Date): TaskListing {
  // One row more than the page shows tells whether there is an older page.
  const found = store.listTasks({ limit: filters.limit + 1, offset: filters.offset, status: filters.status, endpoint: filters.endpoint });
  return {
    rows: found.slice(0, filters.limit).map((task) => rowOf(task, base, now)),
    hasMore: found.length > filters.limit,
    endpoints: store.endpointNames(),
  };
}

function rowOf(task: TaskRecord, base: string, now: Date): TaskRow {
  return {
    task_id: task.task_id,
    href: pathOf(`${base}/tasks`, task.task_id),
    status: task.status,
    endpoint_name: task.endpoint_name,
    created: shortTime(task.created_at),
    started: shortTime(task.started_at),
    completed: shortTime(task.completed_at),
    duration: durationOf(task.started_at, task.completed_at, now),
    error: shortText(task.error),
  };
}

export function queryOf(filters: ListFilters, overrides: Partial<ListFilters> = {}): string {
  const merged = { ...filters, ...overrides };
  const params = new URLSearchParams();
  if (merged.status) params.set('status', merged.status);
  if (merged.endpoint) params.set('endpoint', merged.endpoint);
  if (merged.limit !== 50) params.set('limit', String(merged.limit));
  if (merged.offset > 0) params.set('offset', String(merged.offset));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function statusBadge(status: string): SafeHtml {
  return html`<span class="status status-${status}">${status}</span>`;
}

function rowHtml(row: TaskRow): SafeHtml {
  return html`<tr>
<td><a href="${row.href}"><code>${row.task_id}</code></a></td>
<td>${statusBadge(row.status)}</td>
<td>${row.endpoint_name}</td>
<td>${row.created}</td>
<td>${row.started}</td>
<td>${row.completed}</td>
<td>${row.duration}</td>
<td class="error">${row.error}</td>
</tr>`;
}

export function taskListBody(listing: TaskListing, filters: ListFilters, base: string, recordingNames: string[]): SafeHtml {
  const endpoints = [...new Set([...recordingNames, ...listing.endpoints, ...(filters.endpoint ? [filters.endpoint] : [])])].sort();
  const older = listing.hasMore ? html`<a href="${base}${queryOf(filters, { offset: filters.offset + filters.limit })}" rel="next">Older tasks</a>` : '';
  const newer = filters.offset > 0 ? html`<a href="${base}${queryOf(filters, { offset: Math.max(0, filters.offset - filters.limit) })}" rel="prev">Newer tasks</a>` : '';
  return html`<h1>Tasks</h1>
<form class="filters" method="get" action="${base}">
<label>Status<select name="status">
<option value="">Any status</option>
${TASK_STATUSES.map((status) => html`<option value="${status}"${filters.status === status ? html` selected` : ''}>${status}</option>`)}
</select></label>
<label>Endpoint<select name="endpoint">
<option value="">Any endpoint</option>
${endpoints.map((name) => html`<option value="${name}"${filters.endpoint === name ? html` selected` : ''}>${name}</option>`)}
</select></label>
<label>Show<input name="limit" type="number" min="1" max="500" value="${filters.limit}"></label>
<button type="submit">Filter</button>
</form>
<p class="muted" id="live-status" role="status" aria-live="polite">Newest first. Updates every 2 seconds while this page is open.</p>
<table id="task-table" data-source="${base}/tasks.json${queryOf(filters)}">
<caption class="visually-hidden">Tasks, newest first</caption>
<thead><tr><th scope="col">Task</th><th scope="col">Status</th><th scope="col">Endpoint</th><th scope="col">Created</th><th scope="col">Started</th><th scope="col">Completed</th><th scope="col">Duration</th><th scope="col">Error</th></tr></thead>
<tbody id="task-rows">
${listing.rows.length === 0 ? html`<tr><td colspan="8">No tasks match.</td></tr>` : listing.rows.map(rowHtml)}
</tbody>
</table>
<p>${newer} ${older}</p>`;
}
