import type { Settings } from '../config/settings.js';
import type { Logger } from '../log/logger.js';
import { registerChild } from './register-child.js';
import { clusterOf, createEcsClient, createScaleInProtection, type ScaleInProtection } from './scale-in-protection.js';
import { fetchTaskMetadata, type EcsTaskMetadata } from './task-metadata.js';

export type FleetMembership = {
  metadata: EcsTaskMetadata;
  /** Undefined when ECS_SCALE_IN_PROTECTION is off or the cluster cannot be known. */
  protection: ScaleInProtection | undefined;
  /** Registers with the master (SERVER_URL), retrying until it answers or `signal` aborts. */
  register(signal: AbortSignal): Promise<boolean>;
};

export type JoinFleetOptions = {
  settings: Settings;
  logger: Logger;
  /** Tests pass an ECS client whose calls they assert. */
  protection?: ScaleInProtection;
  fetchImpl?: typeof fetch;
};

/**
 * `--ecs` start-up: this task's metadata first (a worker that cannot say where it is reachable
 * must not start), then the scale-in protection it will toggle. Registration is left to the
 * caller, after the HTTP server listens, so the master never calls a worker not yet serving.
 */
export async function joinFleet(options: JoinFleetOptions): Promise<FleetMembership> {
  const { settings, logger } = options;
  const metadata = await fetchTaskMetadata({
    v4Uri: settings.ECS_CONTAINER_METADATA_URI_V4,
    v3Url: settings.ECS_METADATA_URL,
    containerPort: settings.CHILD_PORT_OFFSET,
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
  });
  logger.info('ECS task metadata read', { task_arn: metadata.taskArn, private_ip: metadata.privateIp, host_port: metadata.hostPort });
  let protection = options.protection;
  if (!protection && settings.ECS_SCALE_IN_PROTECTION) {
    const cluster = clusterOf(metadata.cluster, metadata.taskArn);
    if (cluster) {
      protection = createScaleInProtection({ client: createEcsClient(metadata.taskArn), cluster, taskArn: metadata.taskArn, logger });
    } else {
      logger.warn('scale-in protection is off: the task metadata names no cluster', { task_arn: metadata.taskArn });
    }
  }
  return {
    metadata,
    protection,
    register: (signal) =>
      registerChild({
        serverUrl: settings.SERVER_URL,
        body: { task_arn: metadata.taskArn, private_ip: metadata.privateIp, port: metadata.hostPort },
        logger,
        signal,
        ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      }),
  };
}
