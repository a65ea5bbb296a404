import { parseArgs } from 'node:util';

export type WorkerCliArgs = { host: string; port: number | undefined; childProcessId: string; ecs: boolean; help: boolean };

export const WORKER_USAGE = `Usage: npm start -- [--host HOST] [--port PORT] [--child-process-id N] [--ecs]

  --host HOST              address to listen on (default 127.0.0.1; use 0.0.0.0 in a container)
  --port PORT              port of the worker (default CHILD_PORT_OFFSET + child process id, i.e. 9000)
  --child-process-id N     this worker's number, reported to the control plane (default 0)
  --ecs                    run as an ECS task of a fleet: read the task metadata, register with
                           the master (SERVER_URL), no /inference route (the original's --is_aws)
  -h, --help               show this help

Settings come from the env file named by ENV_PATH and the environment (see README).`;

/** The original's flags (`--child_process_id` and `--is_aws` are accepted too). */
export function parseWorkerArgs(argv: string[]): WorkerCliArgs {
  const normalized = argv.map((arg) =>
    arg.startsWith('--child_process_id') ? arg.replace('--child_process_id', '--child-process-id') : arg === '--is_aws' ? '--ecs' : arg,
  );
  const { values } = parseArgs({
    args: normalized,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      'child-process-id': { type: 'string', default: '0' },
      ecs: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const childProcessId = values['child-process-id'];
  if (!/^\d+$/.test(childProcessId)) throw new Error(`--child-process-id must be a whole number, got "${childProcessId}"`);
  return { host: values.host, port: parsePortFlag(values.port), childProcessId, ecs: values.ecs, help: values.help };
}

/** `--port` as a number (0 lets the system choose); undefined when the flag is absent. */
export function parsePortFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${value}"`);
  return port;
}
