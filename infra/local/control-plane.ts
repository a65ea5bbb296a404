import { parseArgs } from 'node:util';
import { errorMessage } from '../../lib/errors.js';
import { startControlPlane } from '../../lib/control-plane/embedded/start-control-plane.js';
import { parsePortFlag } from './cli-args.js';
import { prepareEntryPoint } from './entry-point.js';
import { listenAddressOf } from './server-url-address.js';
import { stopOnSignals } from './stop-on-signals.js';

const USAGE = `Usage: npm run control-plane -- [--host HOST] [--port PORT]

  --host HOST   address to listen on (default: SERVER_URL's host; localhost means 127.0.0.1)
  --port PORT   port to listen on (default: SERVER_URL's port, i.e. 8000)
  -h, --help    show this help

Runs the embedded control plane alone: tasks in DATA_DIR/control-plane.sqlite, recordings
from AUTOMATIONS_DIR, example pages at /examples/. Settings come from ENV_PATH and the
environment, as for the worker.`;

type Args = { host: string | undefined; port: number | undefined; help: boolean };

function parseCliArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: { host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  return { host: values.host, port: parsePortFlag(values.port), help: values.help };
}

/** `npm run control-plane`: the embedded control plane on its own. */
async function main(): Promise<void> {
  const prepared = prepareEntryPoint({ parse: parseCliArgs, usage: USAGE, component: 'control plane' });
  if (!prepared) return;
  const { args, loaded, logger } = prepared;
  const defaults = listenAddressOf(loaded.settings.SERVER_URL);
  const controlPlane = await startControlPlane({
    settings: loaded.settings,
    host: args.host ?? defaults.host,
    port: args.port ?? defaults.port,
    logger: logger.child({ component: 'control-plane' }),
  });
  logger.info(`example pages at ${controlPlane.url}/examples/`);
  stopOnSignals(logger, () => controlPlane.close());
}

main().catch((error: unknown) => {
  process.stderr.write(`Control plane failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
