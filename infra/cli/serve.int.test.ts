import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/task-fixture.js';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('optexity-worker serve', () => {
  it('serves the worker and its embedded control plane as npm start does, and stops on SIGTERM with 0', async () => {
    const dir = tempDir('cli-serve-test-');
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'infra/cli/main.ts'), 'serve', '--port', '0'], {
      cwd: dir,
      env: { ...process.env, ENV_PATH: '', SERVER_URL: 'http://127.0.0.1:0', DATA_DIR: join(dir, 'data'), AUTOMATIONS_DIR: join(dir, 'automations'), LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines: string[] = [];
    const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
      createInterface({ input: child.stderr }).on('line', (line) => {
        lines.push(line);
        const entry = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : {};
        if (entry.msg === 'worker listening') resolve(entry);
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${lines.join('\n')}`)));
    });
    const health = await fetch(new URL('/health', String(listening.url)));
    expect(await health.json()).toEqual({ status: 'healthy', task_running: false, queued_tasks: 0 });
    const controlPlane = await fetch(new URL('/api/v1/health', String(listening.control_plane)));
    expect(controlPlane.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });
});
