import * as z from 'zod';
import { AppError, errorMessage } from '../errors.js';

/** The v3 task-metadata endpoint ECS serves to every task (used when the v4 variable is absent). */
export const DEFAULT_ECS_METADATA_URL = 'http://169.254.170.2/v3/task';
/** The metadata endpoint answers locally within milliseconds; a hang means we are not on ECS. */
const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * One port binding. The original reads `NetworkBindings[].containerPort/hostPort`; the v4
 * endpoint reports `Ports[].ContainerPort/HostPort`, and Docker's metadata file capitalises the
 * NetworkBindings keys too, so every spelling is taken.
 */
const PortBinding = z
  .object({
    containerPort: z.number().int().optional(),
    ContainerPort: z.number().int().optional(),
    hostPort: z.number().int().optional(),
    HostPort: z.number().int().optional(),
  })
  .transform((binding) => ({ containerPort: binding.containerPort ?? binding.ContainerPort, hostPort: binding.hostPort ?? binding.HostPort }));

const Container = z.object({
  Networks: z.array(z.object({ IPv4Addresses: z.array(z.string().min(1)).min(1) })).min(1),
  NetworkBindings: z.array(PortBinding).optional(),
  Ports: z.array(PortBinding).optional(),
});

export const EcsTaskMetadataResponse = z.object({
  TaskARN: z.string().min(1),
  Cluster: z.string().min(1).optional(),
  Containers: z.array(Container).min(1),
});
export type EcsTaskMetadataResponse = z.infer<typeof EcsTaskMetadataResponse>;

export type EcsTaskMetadata = {
  taskArn: string;
  /** Absent from some v3 answers; scale-in protection then takes the cluster from the ARN. */
  cluster: string | undefined;
  privateIp: string;
  /** The host port bound to the worker's container port: what the master calls. */
  hostPort: number;
};

export type FetchTaskMetadataOptions = {
  /** `ECS_CONTAINER_METADATA_URI_V4` as ECS sets it; `${uri}/task` is read when present. */
  v4Uri?: string | undefined;
  /** The v3 task URL, read when there is no v4 URI. */
  v3Url: string;
  /** The port the worker listens on inside its container (CHILD_PORT_OFFSET). */
  containerPort: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
};

/** Reads this task's ARN, private IPv4 and host port; throws a CONFIG_INVALID error (startup stops) naming what is missing. */
export async function fetchTaskMetadata(options: FetchTaskMetadataOptions): Promise<EcsTaskMetadata> {
  const url = options.v4Uri ? `${options.v4Uri.replace(/\/+$/, '')}/task` : options.v3Url;
  const fetchImpl = options.fetchImpl ?? fetch;
  let body: unknown;
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `ECS task metadata could not be read from ${url}: ${errorMessage(error)}`);
  }
  return parseTaskMetadata(body, options.containerPort, url);
}

export function parseTaskMetadata(body: unknown, containerPort: number, source = 'ECS task metadata'): EcsTaskMetadata {
  const parsed = EcsTaskMetadataResponse.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new AppError('CONFIG_INVALID', `ECS task metadata from ${source} is missing what the worker needs: ${problems.join('; ')}`);
  }
  const container = parsed.data.Containers[0];
  const network = container?.Networks[0];
  const privateIp = network?.IPv4Addresses[0];
  if (!container || !privateIp) throw new AppError('CONFIG_INVALID', `ECS task metadata from ${source}: Containers[0].Networks[0].IPv4Addresses[0] is missing`);
  const bindings = [...(container.NetworkBindings ?? []), ...(container.Ports ?? [])];
  const hostPort = bindings.find((binding) => binding.containerPort === containerPort)?.hostPort;
  if (hostPort === undefined) {
    throw new AppError(
      'CONFIG_INVALID',
      `ECS task metadata from ${source}: Containers[0].NetworkBindings has no hostPort for containerPort ${containerPort} (CHILD_PORT_OFFSET)`,
    );
  }
  return { taskArn: parsed.data.TaskARN, cluster: parsed.data.Cluster, privateIp, hostPort };
}
