import { errorMessage } from '../../lib/errors.js';
import { parseWorkerArgs, WORKER_USAGE } from './cli-args.js';
import { prepareEntryPoint } from './entry-point.js';
import { startWorker } from './start-worker.js';
import { stopOnSignals } from './stop-on-signals.js';

/** `npm start`: the worker and, on a fresh machine, its embedded control plane. */
async function main(): Promise<void> {
  const prepared = prepareEntryPoint({ parse: parseWorkerArgs, usage: WORKER_USAGE, component: 'worker' });
  if (!prepared) return;
  const { args, loaded, logger } = prepared;
  const worker = await startWorker({ loaded, host: args.host, port: args.port, childProcessId: args.childProcessId, ecs: args.ecs, logger });
  logger.info('worker listening', { url: worker.workerUrl, control_plane: worker.controlPlaneUrl ?? loaded.settings.SERVER_URL });
  if (worker.controlPlaneUrl) logger.info(`example pages at ${worker.controlPlaneUrl}/examples/`);

  stopOnSignals(logger, () => worker.close());
}

main().catch((error: unknown) => {
  process.stderr.write(`Worker failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
