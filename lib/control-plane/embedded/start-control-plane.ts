import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../errors.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../../config/settings.js';
import { createNodeServer } from '../../http/node-server.js';
import type { Logger } from '../../log/logger.js';
import { createCallbackDelivery, type RetryPolicy } from './callback-delivery.js';
import { createDispatcher } from './dispatcher.js';
import { controlPlaneRoutes } from './control-plane-routes.js';
import { capabilitiesFromSettings } from '../../automation/worker-capabilities.js';
import { createRecordings } from './recordings.js';
import { createTaskFiles } from './task-files.js';
import { openTaskStore } from './task-store.js';
import { createUploadReceiver, DEFAULT_MAX_UPLOAD_BYTES } from './upload-receiver.js';
import { createUploadSigningKey, createUploadUrlSigner, DEFAULT_UPLOAD_URL_TTL_SECONDS, UPLOAD_SIGNING_KEY_NAME } from './upload-urls.js';

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
  /** Backoff of callback retries (default: 8 attempts over at most ~10 minutes). */
  callbackRetry?: Partial<RetryPolicy>;
  /** Exact waits between callback attempts instead of the backoff (tests). */
  callbackRetryDelaysMs?: number[];
  /** How long a signed upload URL lasts (default one hour). */
  uploadUrlTtlSeconds?: number;
  /** The largest file one upload URL takes (default 512 MiB). */
  maxUploadBytes?: number;
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
  const now = options.now ?? (() => new Date());
  const store = openTaskStore(join(dataDir, 'control-plane.sqlite'));
  const interrupted = store.callbacks.failInterrupted(now().toISOString());
  if (interrupted > 0) logger.warn('callback deliveries cut off by the last stop are marked failed', { count: interrupted });
  const callbacks = createCallbackDelivery({
    logger: logger.child({ component: 'callback' }),
    fetchImpl: options.fetchImpl,
    timeoutMs: options.callbackTimeoutMs,
    retry: options.callbackRetry,
    retryDelaysMs: options.callbackRetryDelaysMs,
    signingSecret: settings.CALLBACK_SIGNING_SECRET,
  });
  const dispatcher =
    settings.CONTROL_PLANE_MODE === 'master'
      ? createDispatcher({ settings, store, logger: logger.child({ component: 'dispatcher' }), fetchImpl: options.fetchImpl, now })
      : undefined;
  const deps = {
    settings,
    logger,
    store,
    dispatcher,
    files: createTaskFiles(dataDir),
    recordings: createRecordings(resolve(settings.AUTOMATIONS_DIR), capabilitiesFromSettings(settings)),
    callbacks,
    uploads: {
      signer: createUploadUrlSigner(store.secret(UPLOAD_SIGNING_KEY_NAME, createUploadSigningKey)),
      ttlSeconds: options.uploadUrlTtlSeconds ?? DEFAULT_UPLOAD_URL_TTL_SECONDS,
      maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    },
    examplesDir: resolve(options.examplesDir ?? DEFAULT_EXAMPLES_DIR),
    now,
  };
  // The router never listens: it only answers what the upload receiver leaves to it (see
  // upload-receiver.ts for why uploads cannot go through the router).
  const router = createNodeServer(controlPlaneRoutes(deps), { logger, name: 'control-plane' });
  const receiveUpload = createUploadReceiver(deps);
  const server = createServer((req, res) => {
    if (!receiveUpload(req, res)) router.emit('request', req, res);
  });
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
        await dispatcher?.close();
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
  options.logger.info('control plane listening', { url, mode: options.settings.CONTROL_PLANE_MODE, data_dir: resolve(options.settings.DATA_DIR), automations_dir: resolve(options.settings.AUTOMATIONS_DIR) });
  return { url, close: () => controlPlane.close() };
}

function listeningAddress(server: Server): AddressInfo {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new AppError('INTERNAL', 'control plane is not listening on a TCP port');
  return address;
}
