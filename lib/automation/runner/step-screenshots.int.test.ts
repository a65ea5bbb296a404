import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarGz, readTarGz } from '../../artifacts/tar-gz.js';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep, fillStep } from '../../../test/support/steps.js';
import { taskPaths } from '../../schemas/wire/task.js';
import { DEFAULT_RUN_SERVICES } from './run-services.js';
import { STEP_ARCHIVE_FILE, type StepFilesLayout } from './step-file-sink.js';
import { STEPS_FILE, type StepsFile } from './step-summary.js';

const PAGE = `<!doctype html><title>Form</title><input aria-label="Name"><button onclick="document.title = 'Sent'">Send</button>`;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let browser: Browser;
let server: PageServer;

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer({ '/form': PAGE });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Two steps and the final one; the trajectory as the worker packs it. */
async function run(stepScreenshots: boolean, stepFiles: StepFilesLayout) {
  const automation = recording(server.url('/form'), [fillStep('get_by_label("Name")', 'Ada'), clickStep('get_by_role("button", name="Send")')]);
  const { task, outcome } = await runRecording(browser, automation, {}, undefined, { services: { ...DEFAULT_RUN_SERVICES, trace: false, stepScreenshots }, stepFiles });
  const paths = taskPaths(task);
  const steps = (JSON.parse(readFileSync(join(paths.logsDirectory, STEPS_FILE), 'utf8')) as StepsFile).steps;
  const trajectory = await readTarGz(await createTarGz(paths.taskDirectory, { arcName: task.task_id, exclude: ['downloads'], expand: [`logs/${STEP_ARCHIVE_FILE}`] }));
  const file = (path: string) => trajectory.find((entry) => entry.path === `${task.task_id}/logs/${path}`)?.content;
  return { outcome, steps, file, logs: paths.logsDirectory };
}

describe('step screenshots (STEP_SCREENSHOTS)', () => {
  it.each(['folders', 'archive'] as const)('on (the default), step folders as %s: each step and the final step keep a PNG of the page', async (layout) => {
    const { outcome, steps, file, logs } = await run(true, layout);
    expect(outcome.status).toBe('success');
    expect(steps.map((step) => step.screenshot)).toEqual(['step_0/screenshot.png', 'step_1/screenshot.png']);
    for (const step of [0, 1, 2]) expect(file(`step_${step}/screenshot.png`)?.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(outcome.finalScreenshot).not.toBeNull();
    expect(existsSync(join(logs, 'step_0'))).toBe(layout === 'folders');
    expect(existsSync(join(logs, STEP_ARCHIVE_FILE))).toBe(layout === 'archive');
  });

  it('off: no step keeps a screenshot, everything else in its folder is there, and the final full-page screenshot is still taken', async () => {
    const { outcome, steps, file } = await run(false, 'archive');
    expect(outcome.status).toBe('success');
    expect(steps.map((step) => step.screenshot)).toEqual([null, null]);
    for (const step of [0, 1, 2]) {
      expect(file(`step_${step}/screenshot.png`)).toBeUndefined();
      expect(JSON.parse(file(`step_${step}/state.json`)?.toString() ?? 'null')).toMatchObject({ step_index: step });
    }
    expect(JSON.parse(file('step_1/state.json')?.toString() ?? 'null')).toMatchObject({ title: 'Form' });
    expect(Buffer.from(outcome.finalScreenshot ?? '', 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });
});
