import { errorMessage } from '../../lib/errors.js';
import { serveWorker } from './serve-worker.js';

/** `npm start`: the worker and, on a fresh machine, its embedded control plane. */
serveWorker(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`Worker failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
