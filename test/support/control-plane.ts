import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Settings } from '../../lib/config/settings.js';
import { silentLogger, type Logger } from '../../lib/log/logger.js';
import { createControlPlaneClient } from '../../lib/control-plane/control-plane-client.js';
import { startControlPlane } from '../../lib/control-plane/embedded/start-control-plane.js';

/** Shared by the integration tests: a real control plane on 127.0.0.1:0 over temp folders. */

export const TEST_API_KEY = 'test-control-plane-key';

/** A 1×1 PNG, small enough to inline. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** The smallest automation that validates: one parameter, no nodes. */
export function simpleAutomation(inputParameters: Record<string, unknown[]> = { name: ['alice'] }) {
  return { url: 'about:blank', parameters: { input_parameters: inputParameters, generated_parameters: {} }, nodes: [] };
}

/** A response's JSON for assertions; tests look into it freely. */
export async function bodyOf(response: Response): Promise<any> {
  return response.json();
}

export type TestControlPlane = Awaited<ReturnType<typeof startTestControlPlane>>;

/** `settings` overrides the control plane's own (e.g. ALLOW_CODE_STEPS, to serve recordings a worker refuses). */
export async function startTestControlPlane(options: { automationsDir?: string; logger?: Logger; callbackRetryDelaysMs?: number[]; settings?: Record<string, string> } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'control-plane-test-'));
  const automationsDir = options.automationsDir ?? join(root, 'automations');
  await mkdir(automationsDir, { recursive: true });
  const settings = Settings.parse({
    API_KEY: TEST_API_KEY,
    DEPLOYMENT: 'dev',
    DATA_DIR: join(root, 'data'),
    AUTOMATIONS_DIR: automationsDir,
    CONTROL_PLANE_TIMEOUT_SECONDS: '10',
    ...options.settings,
  });
  const controlPlane = await startControlPlane({
    settings,
    host: '127.0.0.1',
    port: 0,
    logger: options.logger ?? silentLogger,
    callbackTimeoutMs: 2_000,
    callbackRetryDelaysMs: options.callbackRetryDelaysMs ?? [20],
  });
  const { url } = controlPlane;
  const client = createControlPlaneClient({ settings: { ...settings, SERVER_URL: url } });

  return {
    root,
    url,
    settings,
    client,
    dataDir: settings.DATA_DIR,
    /** Writes `{name}.json` in the recording file format. */
    async writeRecording(name: string, automation: unknown) {
      await writeFile(join(automationsDir, `${name}.json`), JSON.stringify({ endpoint_name: name, automation }));
    },
    /** fetch against the control plane with the right key unless headers say otherwise. */
    request(path: string, init: RequestInit & { json?: unknown } = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('x-api-key')) headers.set('x-api-key', TEST_API_KEY);
      if (init.json !== undefined) headers.set('content-type', 'application/json');
      const body = init.json === undefined ? init.body : JSON.stringify(init.json);
      return fetch(new URL(path, url), { ...init, headers, body });
    },
    async close() {
      await controlPlane.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
