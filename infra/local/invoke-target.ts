import { basename } from 'node:path';
import * as z from 'zod';

const USAGE = 'usage: npm run invoke -- [<handler name or path>] events/<name>.json';

const HttpEvent = z.looseObject({ routeKey: z.string(), rawPath: z.string() });
const SqsEvent = z.looseObject({ Records: z.array(z.looseObject({ eventSource: z.literal('aws:sqs') })).min(1) });

/** Which handler an event goes to: a route of the HTTP table, or a handler module by name. */
export type InvokeTarget = { kind: 'route'; routeKey: string } | { kind: 'module'; name: string; http: boolean };

export function parseInvokeArgs(args: string[]): { handler: string | undefined; eventFile: string } {
  const [first, second] = args;
  if (!first || args.length > 2) throw new Error(USAGE);
  return second === undefined ? { handler: undefined, eventFile: first } : { handler: first, eventFile: second };
}

/**
 * `run-task`, `handlers/run-task.ts` and `dist/handlers/run-task.js` all name one handler; without
 * a name, an HTTP API event goes to its route's handler and an SQS event to the task runner.
 */
export function resolveInvokeTarget(handler: string | undefined, event: unknown): InvokeTarget {
  const http = HttpEvent.safeParse(event).success;
  if (handler !== undefined) {
    const name = basename(handler).replace(/\.(ts|js|mjs)$/, '');
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`not a handler name: ${handler}`);
    return { kind: 'module', name, http };
  }
  const httpEvent = HttpEvent.safeParse(event);
  if (httpEvent.success) return { kind: 'route', routeKey: httpEvent.data.routeKey };
  if (SqsEvent.safeParse(event).success) return { kind: 'module', name: 'run-task', http: false };
  throw new Error(`the event is neither an HTTP API event (routeKey) nor an SQS event (Records[].eventSource); name its handler. ${USAGE}`);
}
