import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../../test/support/control-plane.js';
import { recording } from '../../test/support/run-recording.js';
import { tempDir } from '../../test/support/task-fixture.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** What each sample event answers, as the README documents it. */
const EXPECTED: Record<string, (result: Record<string, unknown>) => void> = {
  'inference.json': (result) => {
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(String(result.body))).toMatchObject({ success: true, task_id: expect.any(String) });
  },
  'health.json': (result) => {
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body))).toEqual({ status: 'healthy', task_running: false, queued_tasks: 0 });
  },
  'is-task-running.json': (result) => expect([result.statusCode, JSON.parse(String(result.body))]).toEqual([200, false]),
  'allocate-task.json': (result) => {
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(String(result.body))).toMatchObject({ success: true });
  },
  'set-child-process-id.json': (result) => expect(JSON.parse(String(result.body))).toEqual({ success: true, message: 'Child process id has been set' }),
  'human-in-loop-completed.json': (result) => expect(JSON.parse(String(result.body))).toEqual({ success: true }),
  'hitl-status.json': (result) => expect(JSON.parse(String(result.body))).toEqual({ completed: false }),
  'kill-task.json': (result) => expect(JSON.parse(String(result.body))).toEqual({ success: true, message: 'Kill signal sent for 2 tasks' }),
  'run-task.json': (result) => expect(result).toEqual({ batchItemFailures: [] }),
};

let cp: TestControlPlane;
let envPath: string;

beforeAll(async () => {
  cp = await startTestControlPlane();
  // The recording the inference sample event names, on a page that needs no server.
  await cp.writeRecording('example_login', recording('about:blank', [], { username: ['x'], password: ['x'] }, { take_final_screenshot: false }));
  const root = tempDir('invoke-events-');
  envPath = join(root, 'invoke.env');
  writeFileSync(
    envPath,
    [
      `API_KEY=${TEST_API_KEY}`,
      'DEPLOYMENT=dev',
      `SERVER_URL=${cp.url}`,
      `DATA_DIR=${join(root, 'data')}`,
      `OUTBOX_DIR=${join(root, 'outbox')}`,
      'OUTBOX_FLUSH_SECONDS=2',
      ...(process.env.CHROMIUM_PATH ? [`CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`] : []),
    ].join('\n'),
  );
});

afterAll(async () => {
  await cp?.close();
});

describe('npm run invoke on every sample event', () => {
  it('has an expectation for every file in events/', () => {
    expect(readdirSync(join(ROOT, 'events')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s answers as documented', async (file) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'infra/local/invoke-event.ts', join('events', file)], {
      cwd: ROOT,
      env: { ...process.env, ENV_PATH: envPath, LOG_LEVEL: 'error' },
      timeout: 60_000,
    });
    EXPECTED[file]?.(JSON.parse(stdout) as Record<string, unknown>);
  }, 70_000);
});
