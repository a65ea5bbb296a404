import { TASK_STATUSES } from '../../lib/schemas/wire/task.js';
import { EXIT, onePositional, parseCommandArgs, UsageError, withUsage, type Command, type Io } from './args.js';
import { ControlPlaneReadError, readControlPlane } from './control-plane-read.js';
import { settingsOrReport } from './settings.js';
import { formatTaskDetail, formatTaskList } from './task-table.js';

const USAGE = `Usage: optexity-worker tasks list [--status STATUS] [--limit N] [--json]
       optexity-worker tasks show TASK_ID [--json]

Reads the control plane at SERVER_URL (GET api/v1/tasks and api/v1/tasks/{task_id}) with
API_KEY as x-api-key, both from the settings (ENV_PATH and the environment).

  list                  the latest tasks: id, endpoint, status, times, error
    --status STATUS     only tasks with this status (${TASK_STATUSES.join(', ')})
    --limit N           at most N tasks (1-500, default 50)
  show TASK_ID          one task: timings, inputs, output data, downloads, callback
  --json                the control plane's JSON answer instead of a table
  -h, --help            show this help

Exit status: 0 on an answer, 1 when the control plane cannot be reached or refuses (said on
stderr), 2 on a wrong command line.

Examples:
  optexity-worker tasks list --status failed --limit 10
  optexity-worker tasks show 3f0c2a9e-… --json`;

export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'list the control plane tasks, or show one',
  usage: USAGE,
  run: (argv, io) => withUsage(io, USAGE, () => tasks(argv, io)),
};

async function tasks(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    status: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (values.help) {
    io.out(`${USAGE}\n`);
    return EXIT.ok;
  }
  const [action, ...rest] = positionals;
  let path: string;
  if (action === 'list') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}"`);
    path = `api/v1/tasks?${listQuery(values.status as string | undefined, values.limit as string | undefined)}`;
  } else if (action === 'show') {
    if (values.status !== undefined || values.limit !== undefined) throw new UsageError('--status and --limit go with "tasks list"');
    path = `api/v1/tasks/${encodeURIComponent(onePositional(rest, 'task id'))}`;
  } else {
    throw new UsageError(action === undefined ? 'Name what to do: "list" or "show TASK_ID".' : `Unknown tasks command "${action}" (use "list" or "show")`);
  }

  const settings = settingsOrReport(io);
  if (!settings) return EXIT.failed;
  let answer: unknown;
  try {
    answer = await readControlPlane(settings, path);
  } catch (error) {
    if (!(error instanceof ControlPlaneReadError)) throw error;
    io.err(`${error.message}\n`);
    return EXIT.failed;
  }
  if (values.json) io.out(`${JSON.stringify(answer, null, 2)}\n`);
  else if (action === 'list') io.out(formatTaskList(((answer as { tasks?: Record<string, unknown>[] }).tasks ?? [])));
  else io.out(formatTaskDetail(answer as Record<string, unknown>));
  return EXIT.ok;
}

function listQuery(status: string | undefined, limit: string | undefined): string {
  const query = new URLSearchParams();
  if (status !== undefined) {
    if (!(TASK_STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${TASK_STATUSES.join(', ')}, got "${status}"`);
    query.set('status', status);
  }
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new UsageError(`--limit must be a whole number from 1 to 500, got "${limit}"`);
    query.set('limit', String(n));
  }
  return query.toString();
}
