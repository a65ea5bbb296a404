/**
 * The worker as `npm start` runs it (embedded control plane, JSON log lines on stderr), in its
 * own process so that its RSS and its event loop are its own: bench/worker-child.ts bundles and
 * starts this file. Reads BENCH_WORKER_ROOT (its folders), BENCH_WORKER_API_KEY and BENCH_SERVER_URL (optional), answers one JSON line with its URLs.
 */
import { join } from 'node:path';
import { loadSettings } from '../lib/config/settings.js';
import { createLogger } from '../lib/log/logger.js';
import { startWorker } from '../infra/local/start-worker.js';

const root = process.env.BENCH_WORKER_ROOT;
if (!root) throw new Error('BENCH_WORKER_ROOT is required');
const loaded = loadSettings({
  API_KEY: process.env.BENCH_WORKER_API_KEY ?? '',
  DEPLOYMENT: 'dev',
  // BENCH_SERVER_URL: a control plane in another process, so this one holds the worker alone.
  SERVER_URL: process.env.BENCH_SERVER_URL ?? 'http://127.0.0.1:0',
  ...(process.env.BENCH_SERVER_URL ? { EMBEDDED_CONTROL_PLANE: 'off' } : {}),
  DATA_DIR: join(root, 'data'),
  AUTOMATIONS_DIR: join(root, 'automations'),
  KEEP_TASK_FILES: 'false',
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'json',
  ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
});
const logger = createLogger({ level: loaded.settings.LOG_LEVEL, format: 'json' });
const worker = await startWorker({ loaded, host: '127.0.0.1', port: 0, childProcessId: '0', logger });
process.stdout.write(`${JSON.stringify({ workerUrl: worker.workerUrl, controlPlaneUrl: worker.controlPlaneUrl })}\n`);
process.on('SIGTERM', () => void worker.close().finally(() => process.exit(0)));
