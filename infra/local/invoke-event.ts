import { readFileSync } from 'node:fs';
import { DEV_DEFAULTS, getSettings } from '../../lib/config/settings.js';
import { errorMessage } from '../../lib/errors.js';
import { localLambdaContext } from '../../lib/http/lambda-event.js';
import { getQueuedTaskRunner } from '../../lib/worker/queued-task-registry.js';
import { getWorkerRuntime } from '../../lib/worker/runtime-registry.js';
import { parseInvokeArgs, resolveInvokeTarget, type InvokeTarget } from './invoke-target.js';
import { handler as runTask } from '../../handlers/run-task.js';
import { WORKER_ROUTES } from './worker-routes.js';

type AnyHandler = (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

/**
 * The handler, imported into this bundle rather than loaded from dist/handlers/: a second copy
 * would hold its own runtime registry, and this process could not close what it started.
 * HTTP handler files are named after their route (`/is_task_running` → is-task-running.ts).
 */
function loadHandler(target: InvokeTarget): AnyHandler {
  if (target.kind === 'module' && target.name === 'run-task') return runTask as AnyHandler;
  const route = WORKER_ROUTES.find((candidate) =>
    target.kind === 'route' ? `${candidate.method} ${candidate.path}` === target.routeKey : candidate.path.slice(1).replaceAll('_', '-') === target.name,
  );
  if (!route) throw new Error(target.kind === 'route' ? `no handler serves ${target.routeKey}` : `no handler named ${target.name}`);
  // The sample events are API Gateway v2 events; the handlers take them as they are.
  return route.handler as AnyHandler;
}

/**
 * The sample events carry the development key, so they also work as they are (the handler
 * tests, `sam local invoke` with the built-in settings). Invoked here, an HTTP event without a
 * key or with that one gets the key of the settings in use; any other key is left to be checked.
 */
function withApiKey(event: unknown): unknown {
  if (typeof event !== 'object' || event === null || !('requestContext' in event)) return event;
  const headers: Record<string, unknown> = 'headers' in event && typeof event.headers === 'object' && event.headers !== null ? { ...event.headers } : {};
  if (headers['x-api-key'] !== undefined && headers['x-api-key'] !== DEV_DEFAULTS.API_KEY) return event;
  return { ...event, headers: { ...headers, 'x-api-key': getSettings().API_KEY } };
}

/** A 5xx answer, or SQS records to deliver again, is a failed invocation. */
function failed(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false;
  if ('statusCode' in result && typeof result.statusCode === 'number') return result.statusCode >= 500;
  return 'batchItemFailures' in result && Array.isArray(result.batchItemFailures) && result.batchItemFailures.length > 0;
}

/**
 * `npm run invoke -- [handler] events/health.json`: calls a handler in-process, as
 * `sam local invoke -e` would, and prints the result. Without a handler name, an HTTP API event
 * goes to its route's handler and an SQS event to run-task. Exits non-zero on a 5xx or on SQS
 * records to deliver again.
 */
async function main(): Promise<void> {
  const { handler: handlerArg, eventFile } = parseInvokeArgs(process.argv.slice(2));
  const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
  const target = resolveInvokeTarget(handlerArg, event);
  const handler = loadHandler(target);
  const result = await handler(target.kind === 'route' || target.http ? withApiKey(event) : event, localLambdaContext(target.kind === 'route' ? target.routeKey : target.name));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = failed(result) ? 1 : 0;
  // A task this invocation queued runs to its end before the process exits; the task runner
  // releases its browser.
  if (target.kind === 'route' || target.http) await (await getWorkerRuntime()).close();
  else if (target.name === 'run-task') await (await getQueuedTaskRunner()).close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(1);
});
