import { parseWorkerArgs, WORKER_USAGE } from './cli-args.js';
import { prepareEntryPoint } from './entry-point.js';
import { startWorker } from './start-worker.js';
import { stopOnSignals } from './stop-on-signals.js';

/**
 * The worker and, on a fresh machine, its embedded control plane, from the flags in `argv`;
 * runs until SIGINT/SIGTERM. Shared by `npm start` and `optexity-worker serve`, which differ
 * only in the usage they print.
 */
export async function serveWorker(argv: string[], usage: string = WORKER_USAGE): Promise<void> {
  // prepareEntryPoint hands the parser process.argv; the flags to parse are the ones given here.
  const prepared = prepareEntryPoint({ parse: () => parseWorkerArgs(argv), usage, component: 'worker' });
  if (!prepared) return;
  const { args, loaded, logger } = prepared;
  const worker = await startWorker({ loaded, host: args.host, port: args.port, childProcessId: args.childProcessId, ecs: args.ecs, logger });
  logger.info('worker listening', { url: worker.workerUrl, control_plane: worker.controlPlaneUrl ?? loaded.settings.SERVER_URL });
  if (worker.controlPlaneUrl) logger.info(`example pages at ${worker.controlPlaneUrl}/examples/`);

  stopOnSignals(logger, () => worker.close());
}
