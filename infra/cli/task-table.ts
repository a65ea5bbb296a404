/** Readable views of the control plane's task answers, for people at a terminal. */

type Row = Record<string, unknown>;

const LIST_COLUMNS = ['task_id', 'endpoint_name', 'status', 'created_at', 'completed_at', 'error'] as const;
/** Long errors would push every row off the screen; `tasks show` has the whole text. */
const MAX_CELL = 60;

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** `GET /api/v1/tasks` as an aligned table, newest first as the control plane sends them. */
export function formatTaskList(tasks: Row[]): string {
  if (tasks.length === 0) return 'No tasks.\n';
  const rows = [LIST_COLUMNS.map((column) => column.toUpperCase()), ...tasks.map((task) => LIST_COLUMNS.map((column) => cell(task[column])))];
  const widths = LIST_COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  return rows.map((row) => `${row.map((value, i) => value.padEnd(widths[i] as number)).join('  ').trimEnd()}\n`).join('');
}

/** `GET /api/v1/tasks/{id}`: one `field: value` line each, structured values as indented JSON. */
export function formatTaskDetail(task: Row): string {
  const width = Math.max(...Object.keys(task).map((key) => key.length));
  return Object.entries(task)
    .map(([key, value]) => {
      const text = value === null || value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value, null, 2).replace(/\n/g, `\n${' '.repeat(width + 2)}`);
      return `${`${key}:`.padEnd(width + 2)}${text}\n`;
    })
    .join('');
}
