import { parseArgs } from 'node:util';
import { DEV_DEFAULTS, loadSettings, type Settings } from '../../lib/config/settings.js';
import { AppError, errorMessage } from '../../lib/errors.js';
import { createLogger } from '../../lib/log/logger.js';
import { startControlPlane } from '../../lib/control-plane/embedded/start-control-plane.js';
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
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  }
  return { host: values.host, port, help: values.help };
}

/** Host and port the worker will call: SERVER_URL's. */
function defaultsFrom(settings: Settings): { host: string; port: number } {
  const url = new URL(settings.SERVER_URL);
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let loaded;
  try {
    loaded = loadSettings();
  } catch (error) {
    process.stderr.write(`${error instanceof AppError ? error.message : errorMessage(error)}\n`);
    process.exit(1);
  }
  const { settings } = loaded;
  const logger = createLogger({ level: settings.LOG_LEVEL, bindings: { component: 'control-plane' } });
  if (loaded.usedDevDefaults) {
    logger.warn(`ENV_PATH is not set: using built-in DEVELOPMENT settings (API_KEY=${DEV_DEFAULTS.API_KEY}). Do not expose this control plane.`);
  }
  const defaults = defaultsFrom(settings);
  const controlPlane = await startControlPlane({ settings, host: args.host ?? defaults.host, port: args.port ?? defaults.port, logger });
  logger.info(`example pages at ${controlPlane.url}/examples/`);

  stopOnSignals(logger, () => controlPlane.close());
}

main().catch((error: unknown) => {
  process.stderr.write(`Control plane failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
