import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { makeTask } from '../../test/support/task-fixture.js';
import { silentLogger } from '../log/logger.js';
import { taskPaths } from '../schemas/wire/task.js';
import { acceptTask } from './accept-task.js';
import { createBrowserTaskRunner } from './browser-task-runner.js';
import { DEFAULT_RUN_SERVICES } from '../automation/runner/run-services.js';
import { STEP_ARCHIVE_FILE } from '../automation/runner/step-file-sink.js';

let server: PageServer;
let visits = 0;

beforeAll(async () => {
  server = await startPageServer(
    {},
    {
      // The portal is flaky: its first visit lacks the button the recording clicks.
      '/flaky': (_req, res) => {
        visits += 1;
        const button = visits > 1 ? `<button onclick="fetch('/api/done')">Finish</button>` : '';
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>Flaky</title><a href="/file?n=${visits}">Report</a>${button}`);
      },
      '/file': (req, res) => {
        const name = `attempt-${req.query.get('n') ?? '0'}.csv`;
        res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': `attachment; filename="${name}"` }).end('a,b\n');
      },
      '/api/done': (_req, res) => sendJson(res, 200, { ok: true }),
    },
  );
});

afterAll(async () => {
  await server?.close();
});

const tries = { max_tries: 1, max_timeout_seconds_per_try: 0.3 };

describe('max_retries in the browser task runner', () => {
  it('re-runs a failed attempt in a fresh context; only the successful attempt is reported', async () => {
    visits = 0;
    const automation = recording(
      server.url('/flaky'),
      [
        { type: 'action_node', end_sleep_time: 0, interaction_action: { ...tries, click_element: { command: 'get_by_text("Report")', expect_download: true } } },
        { type: 'action_node', end_sleep_time: 0.2, interaction_action: { ...tries, click_element: { command: 'get_by_role("button", name="Finish")' } } },
      ],
      {},
      { max_retries: 2 },
    );
    const accepted = await acceptTask(makeTask({ automation }));
    const runner = createBrowserTaskRunner({ downloadTimeoutSeconds: 10, logger: silentLogger, retryBaseDelayMs: 20, chromiumPath: process.env.CHROMIUM_PATH });
    try {
      const outcome = await runner.run(accepted, { logger: silentLogger });
      expect(outcome.error).toBeNull();
      expect(visits).toBe(2);
      expect(accepted.task.retry_count).toBe(1);
      expect(outcome.downloads).toEqual(['attempt-2.csv']);
      expect(readdirSync(taskPaths(accepted.task).downloadsDirectory)).toEqual(['attempt-2.csv']);
      expect(server.requests.filter((r) => r.path === '/api/done')).toHaveLength(1);
    } finally {
      await runner.close();
    }
  });
});

describe('step folders in the browser task runner', () => {
  const automation = () => recording(server.url('/flaky'), [{ type: 'action_node', end_sleep_time: 0, interaction_action: { ...tries, click_element: { command: 'get_by_text("Report")', skip_prompt: true } } }]);

  it.each([
    [true, ['step_0', 'step_1', 'steps.json']],
    [false, ['steps.json', STEP_ARCHIVE_FILE]],
  ])('keepTaskFiles %s: the logs folder holds %j', async (keepTaskFiles, expected) => {
    const accepted = await acceptTask(makeTask({ automation: automation() }));
    const runner = createBrowserTaskRunner({ downloadTimeoutSeconds: 10, logger: silentLogger, chromiumPath: process.env.CHROMIUM_PATH, keepTaskFiles, services: { ...DEFAULT_RUN_SERVICES, trace: false } });
    try {
      const outcome = await runner.run(accepted, { logger: silentLogger });
      expect(outcome.error).toBeNull();
      expect(readdirSync(taskPaths(accepted.task).logsDirectory).sort()).toEqual(expected);
    } finally {
      await runner.close();
    }
  });
});
