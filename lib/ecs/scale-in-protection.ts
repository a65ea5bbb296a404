import type { ECSClient, UpdateTaskProtectionCommand } from '@aws-sdk/client-ecs';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** Protection outlives the task's own timeout a little, so a slow report at the end is covered too. */
const PROTECTION_MARGIN_MINUTES = 5;
/** The Task model's default `max_timeout_in_minutes`. */
const DEFAULT_TASK_TIMEOUT_MINUTES = 10;
/** ECS accepts 1 to 2880 minutes (48 hours). */
const MAX_EXPIRES_IN_MINUTES = 2880;

export type ScaleInProtection = {
  /** A task started running: the service must not stop this ECS task while it runs. */
  onBusy(task: { max_timeout_in_minutes?: number | null | undefined }): void;
  /** The worker has nothing left to run: the service may scale it in again. */
  onIdle(): void;
  /** Resolves once every call made so far has been answered (or failed). */
  settled(): Promise<void>;
};

/** What scale-in protection needs of an ECS client; the SDK's ECSClient is one. */
export type TaskProtectionClient = { send(command: UpdateTaskProtectionCommand): Promise<unknown> };

export type ScaleInProtectionOptions = {
  client: TaskProtectionClient;
  cluster: string;
  taskArn: string;
  logger: Logger;
};

/**
 * UpdateTaskProtection on the running/idle transitions. Calls are chained, so ECS sees them in
 * the order the worker changed state; a failure is logged and never touches the task.
 */
export function createScaleInProtection(options: ScaleInProtectionOptions): ScaleInProtection {
  let chain: Promise<void> = Promise.resolve();
  const update = (protectionEnabled: boolean, expiresInMinutes?: number) => {
    chain = chain.then(async () => {
      try {
        // The SDK is loaded on the first update: only a worker in an ECS fleet makes one.
        const { UpdateTaskProtectionCommand } = await import('@aws-sdk/client-ecs');
        await options.client.send(
          new UpdateTaskProtectionCommand({
            cluster: options.cluster,
            tasks: [options.taskArn],
            protectionEnabled,
            ...(expiresInMinutes === undefined ? {} : { expiresInMinutes }),
          }),
        );
        options.logger.debug('scale-in protection updated', { protection_enabled: protectionEnabled, expires_in_minutes: expiresInMinutes });
      } catch (error) {
        options.logger.warn('scale-in protection could not be updated', { protection_enabled: protectionEnabled, error: errorMessage(error) });
      }
    });
  };
  return {
    onBusy(task) {
      const minutes = Math.ceil((task.max_timeout_in_minutes ?? DEFAULT_TASK_TIMEOUT_MINUTES) + PROTECTION_MARGIN_MINUTES);
      update(true, Math.min(Math.max(minutes, 1), MAX_EXPIRES_IN_MINUTES));
    },
    onIdle() {
      update(false);
    },
    settled: () => chain,
  };
}

/**
 * The client for this task's region. ECS sets AWS_REGION in tasks; the task ARN
 * (`arn:aws:ecs:{region}:…`) names it when it is not set. AWS_ENDPOINT_URL_ECS is honoured by the SDK.
 */
export function createEcsClient(taskArn: string, env: NodeJS.ProcessEnv = process.env): TaskProtectionClient {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? taskArn.split(':')[3];
  // The SDK is loaded with the first call, as in createScaleInProtection.
  let client: Promise<ECSClient> | undefined;
  return {
    async send(command) {
      client ??= import('@aws-sdk/client-ecs').then(({ ECSClient }) => new ECSClient(region ? { region } : {}));
      return (await client).send(command);
    },
  };
}

/** The cluster from metadata, else from a long-format task ARN (`…:task/{cluster}/{id}`). */
export function clusterOf(metadataCluster: string | undefined, taskArn: string): string | undefined {
  if (metadataCluster) return metadataCluster;
  const parts = taskArn.split(':task/')[1]?.split('/');
  return parts && parts.length === 2 ? parts[0] : undefined;
}
