import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../errors.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../../config/settings.js';
import { createNodeServer } from '../../http/node-server.js';
import type { Logger } from '../../log/logger.js';
import { createCallbackDelivery } from './callback-delivery.js';
import { controlPlaneRoutes } from './control-plane-routes.js';
import { capabilitiesFromSettings } from '../../automation/worker-capabilities.js';
import { createRecordings } from './recordings.js';
import { createTaskFiles } from './task-files.js';
import { openTaskStore } from './task-store.js';

/**
 * Three folders up from this module is the project root, both from the source
 * (lib/control-plane/embedded/) and from the bundles (dist/infra/local/).
 */
const DEFAULT_EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/pages/', import.meta.url));

export type ControlPlaneOptions = {
  settings: Settings;
  logger: Logger;
  /** Folder of the static example pages (default: the project's examples/pages/). */
  examplesDir?: string;
  /** Used to deliver callbacks. */
  fetchImpl?: typeof fetch;
  callbackTimeoutMs?: number;
  callbackRetryDelaysMs?: number[];
  now?: () => Date;
};

export type ControlPlaneServer = {
  /** Not listening yet: the caller picks host and port. */
  server: Server;
  /** Stops the server (when listening), pending callbacks, and closes the database. */
  close(): Promise<void>;
};

/** Builds the embedded control plane without listening (tests listen on port 0). */
export function createControlPlaneServer(options: ControlPlaneOptions): ControlPlaneServer {
  const { settings, logger } = options;
  const dataDir = resolve(settings.DATA_DIR);
  const store = openTaskStore(join(dataDir, 'control-plane.sqlite'));
  const callbacks = createCallbackDelivery({
    logger: logger.child({ component: 'callback' }),
    fetchImpl: options.fetchImpl,
    timeoutMs: options.callbackTimeoutMs,
    retryDelaysMs: options.callbackRetryDelaysMs,
  });
  const routes = controlPlaneRoutes({
    settings,
    logger,
    store,
    files: createTaskFiles(dataDir),
    recordings: createRecordings(resolve(settings.AUTOMATIONS_DIR), capabilitiesFromSettings(settings)),
    callbacks,
    examplesDir: resolve(options.examplesDir ?? DEFAULT_EXAMPLES_DIR),
    now: options.now ?? (() => new Date()),
  });
  const server = createNodeServer(routes, { logger, name: 'control-plane' });
  let closing: Promise<void> | undefined;
  return {
    server,
    close() {
      closing ??= (async () => {
        if (server.listening) {
          const closed = new Promise<void>((done) => server.close(() => done()));
          server.closeAllConnections();
          await closed;
        }
        await callbacks.close();
        store.close();
      })();
      return closing;
    },
  };
}

/** Starts the embedded control plane; `url` is where it listens (`http://127.0.0.1:8000`). */
export async function startControlPlane(options: {
  settings: Settings;
  host: string;
  port: number;
  logger: Logger;
} & Omit<ControlPlaneOptions, 'settings' | 'logger'>): Promise<{ url: string; close(): Promise<void> }> {
  const controlPlane = createControlPlaneServer(options);
  const { server } = controlPlane;
  try {
    await new Promise<void>((ready, fail) => {
      server.once('error', fail);
      server.listen(options.port, options.host, () => {
        server.off('error', fail);
        ready();
      });
    });
  } catch (error) {
    await controlPlane.close();
    throw error;
  }
  const address = listeningAddress(server);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  options.logger.info('control plane listening', { url, data_dir: resolve(options.settings.DATA_DIR), automations_dir: resolve(options.settings.AUTOMATIONS_DIR) });
  return { url, close: () => controlPlane.close() };
}

function listeningAddress(server: Server): AddressInfo {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new AppError('INTERNAL', 'control plane is not listening on a TCP port');
  return address;
}
