import type { ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep } from '../../../test/support/steps.js';
import { DEFAULT_RUN_SERVICES } from './run-services.js';

/**
 * The requests the last step started are given time to finish before the browser closes: a
 * form a page posts by script is the last step of many recordings.
 */
const PAGE = `<!doctype html><title>Send</title>
<button onclick="fetch('/api/slow', { method: 'POST', body: 'order-42' })">Send</button>
<button onclick="fetch('/api/never')">Poll</button>
<button onclick="document.title = 'Noted'">Note</button>`;

let browser: Browser;
let server: PageServer;
/** How each answer of /api/slow ended: sent whole, or cut off by the client going away. */
const slowAnswers: string[] = [];
const held: ServerResponse[] = [];

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/send': PAGE },
    {
      '/api/slow': (_req, res) => {
        res.once('close', () => slowAnswers.push(res.writableFinished ? 'finished' : 'cut off'));
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 300);
      },
      // Never answered while the run lasts: a long poll.
      '/api/never': (_req, res) => void held.push(res),
    },
  );
});

afterAll(async () => {
  for (const res of held.splice(0)) res.destroy();
  await browser?.close();
  await server?.close();
});

const services = { ...DEFAULT_RUN_SERVICES, trace: false, stepScreenshots: false };
const run = (nodes: unknown[]) => runRecording(browser, recording(server.url('/send'), nodes, {}, { take_final_screenshot: false }), {}, undefined, { services });
const click = (name: string) => clickStep(`get_by_role("button", name="${name}")`, {}, { end_sleep_time: 0 });

describe('the end of a run', () => {
  it('waits for the request the last step sent, so the server answers it whole', async () => {
    slowAnswers.length = 0;
    const { outcome } = await run([click('Send')]);
    expect(outcome.error).toBeNull();
    expect(server.requests.filter((r) => r.path === '/api/slow').map((r) => r.body)).toEqual(['order-42']);
    await expect.poll(() => slowAnswers).toEqual(['finished']);
  });

  it('does not wait for a request an earlier step left open', async () => {
    const started = Date.now();
    // With its end_sleep_time, the step makes sure what its action started is announced before
    // the next step begins; with none, a request announced late counts as the next step's.
    const { outcome } = await run([clickStep('get_by_role("button", name="Poll")', {}, { end_sleep_time: 5 }), click('Note')]);
    expect(outcome.error).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_800);
  });

  it('waits at most 2 s for a request the last step left open', async () => {
    const started = Date.now();
    const { outcome } = await run([click('Poll')]);
    expect(outcome.error).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(Date.now() - started).toBeLessThan(6_000);
  });
});
