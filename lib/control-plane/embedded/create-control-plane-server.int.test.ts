import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from '../../config/settings.js';
import { silentLogger } from '../../log/logger.js';
import { createControlPlaneServer } from './start-control-plane.js';
import { TEST_API_KEY } from '../../../test/support/control-plane.js';

describe('createControlPlaneServer', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'control-plane-server-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  const settingsWith = (overrides: Record<string, string>) =>
    Settings.parse({ API_KEY: TEST_API_KEY, DEPLOYMENT: 'dev', DATA_DIR: join(root, 'data'), AUTOMATIONS_DIR: join(root, 'automations'), ...overrides });

  it('builds without listening, routes the endpoint settings, and closes twice safely', async () => {
    const controlPlane = createControlPlaneServer({ settings: settingsWith({ START_TASK_ENDPOINT: 'api/v2/begin', HEALTH_ENDPOINT: 'healthz' }), logger: silentLogger });
    expect(controlPlane.server.listening).toBe(false);
    await new Promise<void>((ready) => controlPlane.server.listen(0, '127.0.0.1', ready));
    const { port } = controlPlane.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    try {
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'healthy' });
      const headers = { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' };
      expect((await fetch(`${base}/api/v2/begin`, { method: 'POST', headers, body: '{}' })).status).toBe(422);
      expect((await fetch(`${base}/api/v1/start_task`, { method: 'POST', headers, body: '{}' })).status).toBe(404);
    } finally {
      await controlPlane.close();
      await controlPlane.close();
    }
    expect(controlPlane.server.listening).toBe(false);
  });

  it('serves recordings at GET_RECORDING_ENDPOINT as well as the fixed path', async () => {
    const controlPlane = createControlPlaneServer({ settings: settingsWith({ GET_RECORDING_ENDPOINT: 'api/v2/recordings/{recording_id}/automation' }), logger: silentLogger });
    await new Promise<void>((ready) => controlPlane.server.listen(0, '127.0.0.1', ready));
    const { port } = controlPlane.server.address() as AddressInfo;
    try {
      const headers = { 'x-api-key': TEST_API_KEY };
      for (const path of ['/api/v2/recordings/none_here/automation', '/api/v1/recording/none_here']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        expect(response.status, path).toBe(404);
        expect(((await response.json()) as { code: string }).code, path).toBe('RECORDING_NOT_FOUND');
      }
    } finally {
      await controlPlane.close();
    }
  });

  it('serves everything under the path of SERVER_URL', async () => {
    const controlPlane = createControlPlaneServer({ settings: settingsWith({ SERVER_URL: 'http://localhost:8000/optexity/' }), logger: silentLogger });
    await new Promise<void>((ready) => controlPlane.server.listen(0, '127.0.0.1', ready));
    const { port } = controlPlane.server.address() as AddressInfo;
    try {
      const base = `http://127.0.0.1:${port}/optexity`;
      expect((await fetch(`${base}/api/v1/health`)).status).toBe(200);
      expect((await fetch(`${base}/examples/login/`)).status).toBe(200);
      expect((await fetch(`${base}/api/v1/tasks`, { headers: { 'x-api-key': TEST_API_KEY } })).status).toBe(200);
    } finally {
      await controlPlane.close();
    }
  });
});
