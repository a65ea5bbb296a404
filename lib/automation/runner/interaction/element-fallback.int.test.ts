import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../../test/support/browser.js';
import { snapshotIndexOf, startFakeLlmServer, type FakeLlmServer, type LlmRequestRecord } from '../../../../test/support/fake-llm-server.js';
import { sendJson, startPageServer, type PageServer } from '../../../../test/support/page-server.js';
import { recording, runRecording } from '../../../../test/support/run-recording.js';
import { clickStep, interactionStep } from '../../../../test/support/steps.js';
import { createLlmClient, llmSettingsWithoutModel } from '../../../llm/create-llm-client.js';
import { taskPaths } from '../../../schemas/wire/task.js';
import { createAwsSecretReader } from '../../../secrets/aws-secrets-manager.js';
import { DEFAULT_RUN_SERVICES } from '../run-services.js';

// Every control reports its state to the server when "Report" is clicked, so a test can see
// what the steps before it did to the page.
const APP_PAGE = `<!doctype html><title>App</title>
<button onclick="fetch('/api/hit?what=signin')">Sign in</button>
<label>Email <input id="email"></label>
<label>Colour <select id="colour"><option value="">Choose</option><option value="r">Red</option><option value="g">Green</option></select></label>
<label><input type="checkbox" id="agree"> I agree to the terms</label>
<div id="menu" role="button" tabindex="0" onmouseenter="fetch('/api/hit?what=hover')">Products menu</div>
<button id="report" onclick="fetch('/api/hit?what=report&email=' + encodeURIComponent(email.value) + '&colour=' + colour.value + '&agree=' + agree.checked)">Report</button>
<iframe src="/frame" style="width:300px;height:80px"></iframe>`;

const FRAME_PAGE = `<!doctype html><title>Pay</title><button onclick="fetch('/api/hit?what=pay')">Pay now</button>`;

let browser: Browser;
let pages: PageServer;
let llm: FakeLlmServer;

const hits = () => pages.requests.filter((r) => r.path === '/api/hit').map((r) => Object.fromEntries(r.query));
const report = clickStep('locator("#report")');
const services = () => ({
  services: {
    ...DEFAULT_RUN_SERVICES,
    llm: createLlmClient({ ...llmSettingsWithoutModel(), LLM_MODEL: 'openai/test-model', LLM_MODEL_API_KEY: 'sk-test', LLM_MODEL_BASE_URL: llm.baseUrl, LLM_MAX_RETRIES: 0 }),
  },
});
/** A model that points at the first element line matching `pattern`. */
const pointAt = (pattern: RegExp) => llm.respond((req: LlmRequestRecord) => ({ json: { index: snapshotIndexOf(req.userText, pattern) } }));
const element = (kind: string, fields: Record<string, unknown>) => interactionStep({ [kind]: fields });
const run = (nodes: unknown[], task: Record<string, unknown> = {}) => runRecording(browser, recording(pages.url('/app'), nodes), task, undefined, services());
const llmResponse = (task: Parameters<typeof taskPaths>[0], step: number) =>
  JSON.parse(readFileSync(join(taskPaths(task).logsDirectory, `step_${step}`, 'llm_response.json'), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  browser = await launchTestBrowser();
  llm = await startFakeLlmServer();
  pages = await startPageServer({ '/app': APP_PAGE, '/frame': FRAME_PAGE }, { '/api/hit': (_req, res) => sendJson(res, 200, {}) });
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await llm?.close();
});

beforeEach(() => {
  pages.requests.length = 0;
  llm.requests.length = 0;
  llm.respond(() => undefined);
});

describe('an element found by the model', () => {
  it('recovers a click whose recorded command is broken, and keeps what it chose', async () => {
    pointAt(/Sign in/);
    const { task, outcome } = await run([clickStep('locator("#old-sign-in")', { prompt_instructions: 'the Sign in button' })]);
    expect(outcome.error).toBeNull();
    expect(outcome.status).toBe('success');
    expect(hits()).toEqual([{ what: 'signin' }]);

    expect(llm.requests).toHaveLength(1);
    const [request] = llm.requests;
    expect(request?.model).toBe('test-model');
    expect(request?.userText).toContain('the Sign in button');
    expect(request?.userText).toMatch(/\[\d+\]<button[^\n]*Sign in/);
    expect(request?.responseFormat?.json_schema?.schema).toMatchObject({ properties: { index: expect.anything() } });

    const saved = llmResponse(task, 0);
    expect(saved).toMatchObject({
      answer: { index: expect.any(Number) },
      chosen_element: { index: expect.any(Number), role: 'button', name: 'Sign in' },
      recorded_command: 'locator("#old-sign-in")',
      command_error: expect.stringContaining('locator("#old-sign-in") failed after 2 tries'),
    });
    expect(outcome.tokenUsage).toMatchObject({ input_tokens: 100, output_tokens: 10 });
    // The step list says the step asked a model.
    const steps = JSON.parse(readFileSync(join(taskPaths(task).logsDirectory, 'steps.json'), 'utf8')) as { steps: { asked_llm: boolean }[] };
    expect(steps.steps.map((step) => step.asked_llm)).toEqual([true]);
  });

  it('fills a field whose command is broken', async () => {
    pointAt(/Email/);
    const { outcome } = await run([element('input_text', { command: 'locator("#old-email")', input_text: 'ann@example.com', prompt_instructions: 'the email field' }), report]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ what: 'report', email: 'ann@example.com' })]);
  });

  it('finds the element of a step recorded without a command', async () => {
    pointAt(/Sign in/);
    const { outcome } = await run([element('click_element', { command: null, prompt_instructions: 'sign in' })]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([{ what: 'signin' }]);
    expect(llm.requests[0]?.userText).toContain('sign in');
  });

  it('selects an option through the same matching as the command path', async () => {
    pointAt(/<combobox/);
    const { outcome } = await run([element('select_option', { command: 'locator("#old-colour")', select_values: ['green'], prompt_instructions: 'the colour dropdown' }), report]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ colour: 'g' })]);
  });

  it('checks a checkbox', async () => {
    pointAt(/checkbox/);
    const { outcome } = await run([element('check', { command: 'locator("#old-agree")', prompt_instructions: 'the terms checkbox' }), report]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ agree: 'true' })]);
  });

  it('hovers', async () => {
    pointAt(/Products menu/);
    const { outcome } = await run([element('hover', { command: 'locator("#old-menu")', prompt_instructions: 'the products menu' })]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([{ what: 'hover' }]);
  });

  it('acts on an element inside an iframe', async () => {
    pointAt(/Pay now/);
    const { outcome } = await run([clickStep('locator("#pay")', { prompt_instructions: 'the Pay now button' })]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([{ what: 'pay' }]);
    expect(llm.requests[0]?.userText).toMatch(/--- iframe .*\/frame/);
  });
});

describe('when the model cannot help', () => {
  it('fails the task, naming the step and its prompt_instructions, when the element is not on the page', async () => {
    llm.respond(() => ({ json: { index: -1 } }));
    const { task, outcome } = await run([clickStep('locator("#old")', { prompt_instructions: 'the Delete account button' })]);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/^nodes\[0\] \(click_element\): the model found no element for "the Delete account button" on the page \(it answered -1\); locator\("#old"\) failed after 2 tries/);
    expect(hits()).toEqual([]);
    expect(llmResponse(task, 0)).toMatchObject({ chosen_element: null });
  });

  it('fails without asking when the step has no prompt_instructions', async () => {
    const { outcome } = await run([clickStep('locator("#old")')]);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/^nodes\[0\] \(click_element\): locator\("#old"\) failed after 2 tries .*, and the step has no prompt_instructions to find the element by$/);
    expect(llm.requests).toHaveLength(0);
  });

  it('fails with the model error when the model call fails', async () => {
    llm.respond(() => ({ status: 500 }));
    const { outcome } = await run([clickStep('locator("#old")', { prompt_instructions: 'the Sign in button' })]);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/^nodes\[0\] \(click_element\): /);
    expect(llm.requests.length).toBeGreaterThan(0);
  });

  it('says which setting is missing when no model is configured', async () => {
    const { outcome } = await runRecording(browser, recording(pages.url('/app'), [clickStep('locator("#old")', { prompt_instructions: 'the Sign in button' })]));
    expect(outcome.error).toMatch(/^nodes\[0\] \(click_element: locator\("#old"\) failed after 2 tries .*; finding the element from prompt_instructions\) needs an LLM, and none is configured: set LLM_MODEL_API_KEY/);
  });
});

describe('steps that do not ask the model', () => {
  it('skips an optional step (skip_prompt) whose command fails', async () => {
    const { outcome } = await run([clickStep('locator("#old")', { prompt_instructions: 'the Sign in button', skip_prompt: true }), report]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ what: 'report' })]);
    expect(llm.requests).toHaveLength(0);
  });

  it('never asks when the recorded command works', async () => {
    const { task, outcome } = await run([
      clickStep('get_by_role("button", name="Sign in")', { prompt_instructions: 'the Sign in button' }),
      element('input_text', { command: 'locator("#email")', input_text: 'bo@example.com', prompt_instructions: 'the email field' }),
      report,
    ]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([{ what: 'signin' }, expect.objectContaining({ email: 'bo@example.com' })]);
    expect(llm.requests).toHaveLength(0);
    expect(existsSync(join(taskPaths(task).logsDirectory, 'step_0', 'llm_response.json'))).toBe(false);
    expect(outcome.tokenUsage?.total_tokens).toBe(0);
  });
});

describe('values the recording leaves to the model', () => {
  it('predicts a missing input_text from the goal and the input parameters, never the secure ones', async () => {
    llm.respond((req) => ({ json: { input_text: req.userText.includes('"carol@example.com"') ? 'carol@example.com' : 'wrong' } }));
    const secretsManager = mockClient(SecretsManagerClient);
    secretsManager.on(GetSecretValueCommand, { SecretId: 'app/login' }).resolves({ SecretString: '{"password":"pa55-from-aws"}' });
    const reference = { amazon_secrets_manager: { secret_name: 'app/login', region_name: 'eu-west-1', key: 'password' } };
    const automation = {
      ...recording(pages.url('/app'), [element('input_text', { command: 'locator("#email")', input_text: null, prompt_instructions: 'type the account email' }), report]),
      parameters: { input_parameters: { email: ['carol@example.com'] }, generated_parameters: {}, secure_parameters: { password: [reference] } },
    };
    let outcome;
    try {
      const withSecrets = services();
      ({ outcome } = await runRecording(browser, automation, { input_parameters: { email: ['carol@example.com'] }, secure_parameters: { password: [reference] } }, undefined, {
        services: { ...withSecrets.services, secrets: { awsSecretsManager: createAwsSecretReader() } },
      }));
    } finally {
      secretsManager.restore();
    }
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ email: 'carol@example.com' })]);
    expect(llm.requests).toHaveLength(1);
    const [request] = llm.requests;
    expect(request?.userText).toContain('type the account email');
    expect(request?.userText).toMatch(/\[\d+\]<textbox[^\n]*Email/);
    expect(request?.userText).not.toContain('pa55-from-aws');
    expect(request?.userText).not.toContain('password');
  });

  it('skips the input when the model has no text for it', async () => {
    llm.respond(() => ({ json: { input_text: null } }));
    const { outcome } = await run([element('input_text', { command: 'locator("#email")', input_text: null, prompt_instructions: 'type something' }), report]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ email: '' })]);
    expect(llm.requests).toHaveLength(1);
  });

  it('predicts missing select_values, then matches them as recorded ones', async () => {
    llm.respond(() => ({ json: { select_values: ['Red'] } }));
    const { outcome } = await run([element('select_option', { command: 'locator("#colour")', select_values: null, prompt_instructions: 'pick the first colour' }), report]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ colour: 'r' })]);
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]?.userText).toContain('pick the first colour');
  });

  it('asks the model to match select_values that fit no option by text, once, keeping only real option values', async () => {
    llm.respond(() => ({ json: { matched_values: ['g', 'not-an-option'] } }));
    const { outcome } = await run([element('select_option', { command: 'locator("#colour")', select_values: ['Verde'], prompt_instructions: 'the colour' }), report]);
    expect(outcome.error).toBeNull();
    expect(hits()).toEqual([expect.objectContaining({ colour: 'g' })]);
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]?.userText).toContain('Verde');
    expect(llm.requests[0]?.userText).toContain('"label": "Green"');
  });
});
