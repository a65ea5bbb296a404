import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../../test/support/browser.js';
import { simpleAutomation, startTestControlPlane, TEST_API_KEY, type TestControlPlane } from '../../../../test/support/control-plane.js';
import { completeTask, createTask, startTask, stepsFixture, trajectoryArchive, uploadTrajectory } from '../../../../test/support/dashboard-fixtures.js';

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/dashboard/', import.meta.url));
const EXAMPLE_RECORDINGS = fileURLToPath(new URL('../../../../automations/', import.meta.url));

/** The two fields of an <img> the tests read (this project compiles without the DOM library). */
type LoadedImage = { complete: boolean; naturalWidth: number };

type AxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

/** axe-core's verdict on the open page; only serious and critical findings fail a test. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Injected through the debugging protocol, so the page's own script policy stays in force.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const scope = globalThis as unknown as { axe: typeof axe; document: Parameters<typeof axe.run>[0] };
    const result = await scope.axe.run(scope.document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => String(n.target)) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

async function snapshot(page: Page, name: string) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

describe('dashboard in a real browser', () => {
  let cp: TestControlPlane;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const policyErrors: string[] = [];
  let running: { task_id: string; api_key: string };
  let finished: { task_id: string; api_key: string };
  let failed: { task_id: string; api_key: string };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    cp = await startTestControlPlane();
    browser = await launchTestBrowser();
    await cp.writeRecording('flow', simpleAutomation());
    await cp.writeRecording('other_flow', simpleAutomation());
    for (const name of ['example_login', 'example_reports']) {
      const file = JSON.parse(await readFile(`${EXAMPLE_RECORDINGS}${name}.json`, 'utf8')) as { automation: unknown };
      await cp.writeRecording(name, file.automation);
    }
    await cp.writeRecording('broken', { url: 'about:blank', parameters: { input_parameters: {}, generated_parameters: {} }, nodes: [{ type: 'if_else_node' }] });

    // A real PNG, as the worker's step screenshots are.
    const shooter = await browser.newPage({ viewport: { width: 640, height: 400 } });
    await shooter.setContent('<main style="font:32px sans-serif;padding:40px"><h1>Sign in</h1><button>Sign in</button></main>');
    const stepScreenshot = await shooter.screenshot();
    await shooter.close();

    finished = await createTask(cp, 'flow', 'finished');
    await startTask(cp, finished.task_id, finished.api_key);
    await cp.client.saveOutputData(finished.api_key, {
      task_id: finished.task_id,
      output_data: [{ unique_identifier: 'account', json_data: { plan: 'pro' }, screenshot: { filename: 'account.png', base64: stepScreenshot.toString('base64') } }],
      final_screenshot: stepScreenshot.toString('base64'),
      for_loop_status: null,
    });
    await uploadTrajectory(cp, finished.task_id, finished.api_key, await trajectoryArchive(finished.task_id, stepScreenshot, { steps: stepsFixture(), trace: true }));
    await completeTask(cp, finished.task_id, finished.api_key, 'success');

    failed = await createTask(cp, 'other_flow', 'failed');
    await startTask(cp, failed.task_id, failed.api_key);
    await completeTask(cp, failed.task_id, failed.api_key, 'failed', 'Timeout 5000ms exceeded waiting for get_by_role("button")');

    running = await createTask(cp, 'flow', 'running');
    await startTask(cp, running.task_id, running.api_key);

    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) policyErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await cp?.close();
  });

  it('sends a signed-out browser to the login form and signs in with the API key', async () => {
    await page.goto(`${cp.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, 'login');

    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not correct');

    await page.getByLabel('API key').fill(TEST_API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${cp.url}/dashboard`);
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'cp_dashboard');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    expect(session?.value).not.toContain(TEST_API_KEY);
  });

  it('lists tasks newest first with their status, endpoint, times and error', async () => {
    const rows = page.locator('#task-rows tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain(running.task_id);
    expect(await rows.nth(0).textContent()).toContain('running');
    expect(await rows.nth(1).textContent()).toContain('Timeout 5000ms exceeded');
    expect(await rows.nth(2).textContent()).toContain('success');
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, 'task-list');
  });

  it('updates a row when the task changes, without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    const row = page.locator('#task-rows tr', { hasText: running.task_id });
    expect(await row.locator('.status').textContent()).toBe('running');
    await completeTask(cp, running.task_id, running.api_key, 'failed', 'Stopped by a test');
    await expect.poll(() => row.locator('.status').textContent(), { timeout: 10_000 }).toBe('failed');
    expect(await row.textContent()).toContain('Stopped by a test');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('filters by status and by endpoint with the form', async () => {
    await page.getByLabel('Status').selectOption('success');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=success/);
    await expect.poll(() => page.locator('#task-rows tr').count()).toBe(1);
    expect(await page.locator('#task-rows').textContent()).toContain(finished.task_id);

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Endpoint').selectOption('other_flow');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/endpoint=other_flow/);
    expect(await page.locator('#task-rows tr').count()).toBe(1);
    expect(await page.locator('#task-rows').textContent()).toContain(failed.task_id);
    // The live update keeps the filters.
    await page.waitForTimeout(2500);
    expect(await page.locator('#task-rows tr').count()).toBe(1);
  });

  it('shows a task with its summary, output, final screenshot, step timeline and trace', async () => {
    await page.goto(`${cp.url}/dashboard`);
    await page.getByRole('link', { name: finished.task_id }).click();
    await page.waitForURL(`${cp.url}/dashboard/tasks/${finished.task_id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(finished.task_id);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('"plan": "pro"');
    expect(text).toContain('"total_tokens": 150');
    expect(text).toContain('interaction_action.click_element');
    expect(text).toContain('1.2 s');
    expect(text).toContain('Element <input id="q"> not found');
    expect(text).toContain('npx playwright-core show-trace --port 0 trace.zip');

    const images = page.locator('main img');
    await expect.poll(() => images.evaluateAll((all) => all.every((img) => (img as unknown as LoadedImage).complete && (img as unknown as LoadedImage).naturalWidth > 0))).toBe(true);
    const stepImage = page.getByAltText('Screenshot before step 0');
    expect(await stepImage.evaluate((img) => (img as unknown as LoadedImage).naturalWidth)).toBe(640);
    expect(await page.getByAltText('Final screenshot of the task').count()).toBe(1);

    const trace = page.getByRole('link', { name: /Playwright trace/ });
    const traceAnswer = await page.request.get(new URL((await trace.getAttribute('href')) ?? '', cp.url).href);
    expect(traceAnswer.status()).toBe(200);
    expect(traceAnswer.headers()['content-disposition']).toContain('trace.zip');
    expect((await traceAnswer.body()).toString()).toContain('not really a trace');

    const prompt = await page.request.get(new URL((await page.getByRole('link', { name: 'prompt' }).getAttribute('href')) ?? '', cp.url).href);
    expect(await prompt.text()).toBe('Click the sign in button');
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, 'task');
  });

  it('says there is no step list for a task without a trajectory', async () => {
    await page.goto(`${cp.url}/dashboard/tasks/${failed.task_id}`);
    expect(await page.locator('#steps + p').textContent()).toBe('No step list yet.');
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, 'task-without-steps');
  });

  it('shows the recordings with their validation and nested nodes', async () => {
    await page.goto(`${cp.url}/dashboard/recordings`);
    const table = (await page.locator('table').textContent()) ?? '';
    expect(table).toContain('example_login');
    expect(await page.locator('tr', { hasText: 'broken' }).locator('.status').textContent()).toBe('invalid');
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, 'recordings');

    await page.getByRole('link', { name: 'example_login' }).click();
    await page.waitForURL(/\/recordings\/example_login$/);
    const nodes = page.locator('#nodes ~ ul.nodes');
    expect(await nodes.locator('ul.nodes li', { hasText: 'fail_state_action' }).count()).toBeGreaterThan(0);
    expect(await nodes.textContent()).toContain('get_by_label("Username")');
    expect(await nodes.textContent()).toContain('Enter the username in the Username field');
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, 'recording');

    await page.goto(`${cp.url}/dashboard/recordings/example_reports`);
    expect(await page.locator('#nodes ~ ul.nodes').textContent()).toContain('for_loop_node');
    await page.goto(`${cp.url}/dashboard/recordings/broken`);
    expect(await page.locator('li.problem').count()).toBeGreaterThan(0);
    expect(await page.locator('li.problem').first().textContent()).toContain('nodes[0]');
    expect(await seriousViolations(page)).toEqual([]);
    await snapshot(page, 'recording-invalid');
  });

  it('broke no rule of its content security policy and signs out', async () => {
    expect(policyErrors).toEqual([]);
    await page.goto(`${cp.url}/dashboard`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/dashboard\/login$/);
    await page.goto(`${cp.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
  });
});
