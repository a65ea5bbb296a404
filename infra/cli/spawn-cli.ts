import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export type CliResult = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the CLI from its sources in a real child process (as `tsx infra/cli/main.ts`), with the
 * test's environment minus ENV_PATH plus `env`, in `cwd`. For the tests of the CLI.
 */
export function runCli(argv: string[], options: { env?: Record<string, string>; cwd?: string; entry?: string } = {}): Promise<CliResult> {
  const root = new URL('../..', import.meta.url).pathname;
  const entry = options.entry ?? `${root}infra/cli/main.ts`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!options.env?.ENV_PATH) delete env.ENV_PATH;
  // tsx by its path: a bare `--import tsx` is resolved from cwd, which may be a temp folder.
  const loader = pathToFileURL(`${root}node_modules/tsx/dist/loader.mjs`).href;
  const child = spawn(process.execPath, [...(entry.endsWith('.ts') ? ['--import', loader] : []), entry, ...argv], { cwd: options.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
