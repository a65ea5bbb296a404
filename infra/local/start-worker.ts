import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { useSettings, type LoadedSettings } from '../../lib/config/settings.js';
import type { Logger } from '../../lib/log/logger.js';
import { createNodeServer } from '../../lib/http/node-server.js';
import { createLocalRuntime } from '../../lib/worker/create-local-runtime.js';
import { clearWorkerRuntime, setWorkerRuntime } from '../../lib/worker/runtime-registry.js';
import { startControlPlane } from '../../lib/control-plane/embedded/start-control-plane.js';
import { isLocalServerUrl, listenAddressOf } from './server-url-address.js';
import type { FleetMembership } from '../../lib/ecs/join-fleet.js';
import { ECS_WORKER_ROUTES, WORKER_ROUTES } from './worker-routes.js';

export type StartWorkerOptions = {
  loaded: LoadedSettings;
  host: string;
  port?: number;
  childProcessId: string;
  logger: Logger;
  /** `--ecs`: a task of an ECS fleet, registered with its master (SERVER_URL); no /inference. */
  ecs?: boolean;
};

export type RunningWorker = {
  workerUrl: string;
  controlPlaneUrl: string | undefined;
  /**
   * Resolves (never rejects) once the start-up warm-up is done: the task thread started, with the
   * runner and playwright-core loaded. A task sent earlier waits for it.
   */
  warmedUp: Promise<void>;
  /**
   * The graceful shutdown SIGTERM/SIGINT run: new tasks get 503 while the running one finishes
   * (within SHUTDOWN_GRACE_SECONDS) and every report is made; then the servers and the browser close.
   */
  close(): Promise<void>;
};

/**
 * Starts the local worker: the embedded control plane first (when SERVER_URL points at this
 * machine, or when asked), then the worker's HTTP server over the same handlers Lambda runs.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { settings } = options.loaded;
  // The handlers check API_KEY and the body limits through getSettings(): these settings.
  useSettings(options.loaded);
  const embedded = settings.EMBEDDED_CONTROL_PLANE === 'on' || (settings.EMBEDDED_CONTROL_PLANE === 'auto' && isLocalServerUrl(settings.SERVER_URL));
  const controlPlane = embedded
    ? await startControlPlane({ settings, ...listenAddressOf(settings.SERVER_URL), logger: options.logger.child({ component: 'control-plane' }) })
    : undefined;

  // With port 0 (tests) the control plane picks its port: the worker must call that one.
  const workerSettings = controlPlane ? { ...settings, SERVER_URL: controlPlane.url } : settings;
  let fleet: FleetMembership | undefined;
  try {
    // Loaded only with --ecs: a local worker does not pay for the ECS SDK at start-up.
    fleet = options.ecs
      ? await (await import('../../lib/ecs/join-fleet.js')).joinFleet({ settings: workerSettings, logger: options.logger.child({ component: 'ecs' }) })
      : undefined;
  } catch (error) {
    await controlPlane?.close();
    throw error;
  }
  const runtime = createLocalRuntime(workerSettings, {
    logger: options.logger.child({ component: 'worker' }),
    childProcessId: options.childProcessId,
    ...(fleet?.protection ? { onBusy: fleet.protection.onBusy, onIdle: fleet.protection.onIdle } : {}),
  });
  // The original's HEAD reports the task ARN as unique_child_arn.
  if (fleet) runtime.setChildProcessId(options.childProcessId, fleet.metadata.taskArn);
  setWorkerRuntime(runtime);
  const server = createNodeServer([...(fleet ? ECS_WORKER_ROUTES : WORKER_ROUTES)], { logger: options.logger.child({ component: 'worker-http' }) });
  const port = options.port ?? settings.CHILD_PORT_OFFSET + Number(options.childProcessId);
  try {
    await listen(server, port, options.host);
  } catch (error) {
    await controlPlane?.close();
    await runtime.close();
    throw error;
  }
  // Off the request path: the first task then does not wait for the task thread to start and load.
  const warmedUp = runtime.warmUp();
  // Off the start-up path too: a master that is not up yet must not keep this server from serving.
  const registration = new AbortController();
  if (fleet) void fleet.register(registration.signal);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  // The worker's server answers (503 for new tasks) until the run and its reports are done; the
  // embedded control plane, which receives those reports, closes last.
  const shutDown = async () => {
    registration.abort();
    // Meanwhile the routes that bring tasks answer 503 (the runtime refuses them once closing).
    await runtime.close({ graceSeconds: settings.SHUTDOWN_GRACE_SECONDS });
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await serverClosed;
    clearWorkerRuntime(runtime);
    await controlPlane?.close();
  };
  return {
    workerUrl: `http://${host}:${address.port}`,
    controlPlaneUrl: controlPlane?.url,
    warmedUp,
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
