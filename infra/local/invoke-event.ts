import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { errorMessage } from '../../lib/errors.js';
import { localLambdaContext } from '../../lib/http/lambda-event.js';
import { getWorkerRuntime } from '../../lib/worker/runtime-registry.js';
import { WORKER_ROUTES } from './worker-routes.js';

const SampleEvent = z.looseObject({ routeKey: z.string(), rawPath: z.string() });

/**
 * `npm run invoke -- events/health.json`: calls the handler of an event's route in-process, as
 * `sam local invoke -e` would, and prints the result. Exits non-zero on a 5xx.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npm run invoke -- events/<name>.json');
  const event = SampleEvent.parse(JSON.parse(readFileSync(file, 'utf8')));
  const route = WORKER_ROUTES.find((candidate) => `${candidate.method} ${candidate.path}` === event.routeKey);
  if (!route) throw new Error(`no handler serves ${event.routeKey}`);
  // The sample events are API Gateway v2 events; the handlers take them as they are.
  const result = await route.handler(event as never, localLambdaContext(event.routeKey));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = result.statusCode >= 500 ? 1 : 0;
  // A task this invocation queued runs to its end before the process exits.
  await (await getWorkerRuntime()).close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorMessage(error)}\n`);
  process.exit(1);
});
