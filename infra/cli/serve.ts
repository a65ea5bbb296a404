import { errorMessage } from '../../lib/errors.js';
import { WORKER_USAGE } from '../local/cli-args.js';
import { serveWorker } from '../local/serve-worker.js';
import type { Command } from './args.js';

const SERVE_USAGE = `${WORKER_USAGE.replace('npm start --', 'optexity-worker serve')}

Examples:
  optexity-worker serve                          # worker on 127.0.0.1:9000, control plane on 127.0.0.1:8000
  optexity-worker serve --host 0.0.0.0 --port 9001 --child-process-id 1`;

/** `serve`: exactly what `npm start` runs; it keeps the process alive until SIGINT/SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the worker (and its embedded control plane), as npm start does',
  usage: SERVE_USAGE,
  async run(argv, io) {
    try {
      await serveWorker(argv, SERVE_USAGE);
      return undefined;
    } catch (error) {
      io.err(`Worker failed to start: ${errorMessage(error)}\n`);
      return 1;
    }
  },
};
