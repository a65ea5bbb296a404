import { AppError, errorMessage } from '../../lib/errors.js';
import { loadSettings, DEV_DEFAULTS } from '../../lib/config/settings.js';
import { createLogger } from '../../lib/log/logger.js';
import { parseWorkerArgs, WORKER_USAGE } from './cli-args.js';
import { startWorker } from './start-worker.js';
import { stopOnSignals } from './stop-on-signals.js';

/** `npm start`: the worker and, on a fresh machine, its embedded control plane. */
async function main(): Promise<void> {
  let args;
  try {
    args = parseWorkerArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n\n${WORKER_USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return;
  }
  let loaded;
  try {
    loaded = loadSettings();
  } catch (error) {
    process.stderr.write(`${error instanceof AppError ? error.message : errorMessage(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: loaded.settings.LOG_LEVEL });
  if (loaded.usedDevDefaults) {
    logger.warn(
      `ENV_PATH is not set: using built-in DEVELOPMENT settings (API_KEY=${DEV_DEFAULTS.API_KEY}, DEPLOYMENT=dev). ` +
        'Do not expose this worker; set ENV_PATH to an env file for real use.',
    );
  }
  const worker = await startWorker({ loaded, host: args.host, port: args.port, childProcessId: args.childProcessId, logger });
  logger.info('worker listening', { url: worker.workerUrl, control_plane: worker.controlPlaneUrl ?? loaded.settings.SERVER_URL });
  if (worker.controlPlaneUrl) logger.info(`example pages at ${worker.controlPlaneUrl}/examples/`);

  stopOnSignals(logger, () => worker.close());
}

main().catch((error: unknown) => {
  process.stderr.write(`Worker failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
