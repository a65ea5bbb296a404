import { createLlmClient, llmSettingsWithoutModel } from '../../llm/create-llm-client.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep, fillStep } from '../../../test/support/steps.js';
import { taskPaths } from '../../schemas/wire/task.js';
import { createAwsSecretReader } from '../../secrets/aws-secrets-manager.js';
import { createHumanInLoopGate } from '../../worker/human-in-loop-gate.js';
import { PrivateNodeRegistry } from '../private-nodes/private-node-registry.js';
import { validateRecording } from '../validate-recording.js';
import { totp } from '../variables/totp.js';
import { BASE_CAPABILITIES } from '../worker-capabilities.js';
import { DEFAULT_RUN_SERVICES, type RunServices } from './run-services.js';

const FORM_PAGE = `<!doctype html><title>Portal</title>
<label>Code <input id="code"></label>
<label>Note <input id="note"></label>
<button onclick="fetch('/api/submit?code=' + encodeURIComponent(code.value) + '&note=' + encodeURIComponent(note.value))">Send</button>
<div id="dialog" style="height:60px;overflow:auto"><mat-dialog-content style="display:block;height:60px;overflow:auto"><div style="height:900px">Terms</div></mat-dialog-content></div>`;

let browser: Browser;
let server: PageServer;
let jobPolls = 0;

const submitted = () => server.requests.filter((r) => r.path === '/api/submit').map((r) => Object.fromEntries(r.query));
const fill = (selector: string, text: string) => fillStep(`locator("${selector}")`, text);
const clickSend = clickStep('get_by_role("button", name="Send")');
const services = (extra: Partial<RunServices>): RunServices => ({ ...DEFAULT_RUN_SERVICES, ...extra });

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/form': FORM_PAGE },
    {
      '/api/submit': (_req, res) => sendJson(res, 200, { ok: true }),
      '/api/job': (req, res) => {
        jobPolls += 1;
        sendJson(res, 200, { state: jobPolls >= 3 ? 'done' : 'pending', id: 7, echo: { method: req.method, token: req.headers['x-token'] ?? null, q: req.query.get('q'), body: req.body } });
      },
      '/api/slow': (_req, res) => void setTimeout(() => sendJson(res, 200, {}), 2_000),
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('api_call', () => {
  it('polls until its condition holds, then later steps read the result by dot-path', async () => {
    jobPolls = 0;
    const automation = recording(
      server.url('/form'),
      [
        {
          type: 'action_node',
          before_sleep_time: 0,
          extraction_action: {
            unique_identifier: 'job',
            api_call: {
              url: server.url('/api/job'),
              method: 'POST',
              headers: { 'x-token': '{token[0]}' },
              query_params: { q: '{token[0]}-q' },
              body: { account: '{token[0]}' },
              poll_condition: "status_code == 200 and body.state == 'done'",
              poll_interval: 0.05,
              max_poll_attempts: 5,
            },
          },
        },
        fill('#code', '{api_result.body.id}'),
        clickSend,
      ],
      { token: ['t-1'] },
    );
    const { outcome } = await runRecording(browser, automation, { input_parameters: { token: ['t-1'] } });
    expect(outcome.error).toBeNull();
    expect(jobPolls).toBe(3);
    const job = outcome.outputData.find((o) => o.unique_identifier === 'job')?.json_data as { status_code: number; body: { state: string; echo: Record<string, unknown> } };
    expect(job.status_code).toBe(200);
    expect(job.body.state).toBe('done');
    expect(job.body.echo).toEqual({ method: 'POST', token: 't-1', q: 't-1-q', body: '{"account":"t-1"}' });
    expect(submitted().at(-1)?.code).toBe('7');
  });

  it('stores a timeout as an error result instead of failing the task', async () => {
    const automation = recording(server.url('/form'), [{ type: 'action_node', before_sleep_time: 0, extraction_action: { api_call: { url: server.url('/api/slow'), timeout: 0.3 } } }]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.status).toBe('success');
    expect(outcome.outputData[0]?.json_data).toMatchObject({ error: 'timeout', status_code: null, body: null });
  });

  it('refuses a poll condition that does not parse, at acceptance', () => {
    const result = validateRecording(recording('http://127.0.0.1/', [{ type: 'action_node', extraction_action: { api_call: { url: 'http://127.0.0.1/x', poll_condition: 'body.state ==' } } }]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.path).toBe('nodes[0].extraction_action.api_call.poll_condition');
  });
});

describe('private_node', () => {
  const registry = new PrivateNodeRegistry().register({
    name: 'page_summary',
    inputs: z.object({ label: z.string().min(1), times: z.coerce.number().int() }),
    async run(inputs, context) {
      return { summary: `${inputs.label}:${await context.page.title()}`, repeated: Array.from({ length: inputs.times }, () => inputs.label) };
    },
  });
  const node = (inputs: Record<string, unknown>) => ({ type: 'private_node', handler: 'page_summary', inputs, output_variable_names: ['summary', 'repeated'] });

  it('runs the registered handler with substituted inputs and publishes its outputs', async () => {
    const automation = recording(server.url('/form'), [node({ label: '{who[0]}', times: '2' }), fill('#note', '{summary[0]}|{repeated[1]}'), clickSend], { who: ['ann'] });
    const { outcome } = await runRecording(browser, automation, { input_parameters: { who: ['ann'] } }, undefined, {
      services: services({ privateNodes: registry }),
      capabilities: { ...BASE_CAPABILITIES, privateNodes: registry },
    });
    expect(outcome.error).toBeNull();
    expect(submitted().at(-1)?.note).toBe('ann:Portal|ann');
    expect(outcome.outputData).toContainEqual({ unique_identifier: 'summary', json_data: { summary: 'ann:Portal' } });
  });

  it('fails the node naming the input the handler refuses', async () => {
    const automation = recording(server.url('/form'), [node({ label: '', times: 'x' })]);
    const { outcome } = await runRecording(browser, automation, {}, undefined, { services: services({ privateNodes: registry }), capabilities: { ...BASE_CAPABILITIES, privateNodes: registry } });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('nodes[0] (page_summary)');
    expect(outcome.error).toContain('inputs.label');
    expect(outcome.error).toContain('inputs.times');
  });

  it('refuses an unknown handler at acceptance, listing the registered ones', () => {
    const result = validateRecording(recording('http://127.0.0.1/', [{ type: 'private_node', handler: 'nope' }]), { ...BASE_CAPABILITIES, privateNodes: registry });
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'nodes[0].handler', message: expect.stringContaining('registered: page_summary') }] });
  });
});

describe('javascript_action', () => {
  const code = (execution_code: string, timeout_seconds?: number) => ({ type: 'action_node', javascript_action: { execution_code, ...(timeout_seconds ? { timeout_seconds } : {}) } });
  const allowed = { services: services({ allowCodeSteps: true }), capabilities: { ...BASE_CAPABILITIES, allowCodeSteps: true } };

  it('runs the exact equivalent suggested for the i94 Python step, and returns variables', async () => {
    const i94 = JSON.parse(readFileSync(new URL('../../../test/compat/optexity-corpus/head_examples_i94.json', import.meta.url), 'utf8')) as { nodes: { python_script_action: { execution_code: string } }[] };
    const refusal = validateRecording(i94);
    expect(refusal.ok).toBe(false);
    const message = refusal.ok ? '' : (refusal.problems.find((p) => p.path === 'nodes[0].python_script_action')?.message ?? '');
    const suggested = JSON.parse(message.slice(message.indexOf('{"javascript_action"'))) as { javascript_action: { execution_code: string } };
    const automation = recording(server.url('/form'), [
      { type: 'action_node', javascript_action: suggested.javascript_action },
      code("async (page) => ({ scrolled: await page.evaluate(\"document.querySelector('mat-dialog-content').scrollTop\") })"),
      fill('#note', '{scrolled[0]}'),
      clickSend,
    ]);
    const { outcome } = await runRecording(browser, automation, {}, undefined, allowed);
    expect(outcome.error).toBeNull();
    expect(Number(submitted().at(-1)?.note)).toBeGreaterThan(800);
  });

  it('stops a step that runs past its time limit', async () => {
    const automation = recording(server.url('/form'), [code('async (page) => { await page.waitForTimeout(5000); }', 0.3)]);
    const { outcome } = await runRecording(browser, automation, {}, undefined, allowed);
    expect(outcome.error).toBe('nodes[0] (javascript_action): did not finish within 0.3 s');
  });

  it('is refused at acceptance unless the operator allows code steps', () => {
    const result = validateRecording(recording('http://127.0.0.1/', [code('async (page) => {}')]));
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'nodes[0].javascript_action', message: expect.stringContaining('ALLOW_CODE_STEPS=true') }] });
  });

  it('has no require or process in its scope', async () => {
    const automation = recording(server.url('/form'), [code('async (page) => ({ kinds: [typeof require, typeof process] })'), fill('#note', '{kinds[0]},{kinds[1]}'), clickSend]);
    const { outcome } = await runRecording(browser, automation, {}, undefined, allowed);
    expect(outcome.error).toBeNull();
    expect(submitted().at(-1)?.note).toBe('undefined,undefined');
  });
});

describe('human_in_loop_action', () => {
  it('tells the control plane, waits with the page open, and goes on once released', async () => {
    const notified: string[] = [];
    const gate = createHumanInLoopGate(async (task) => {
      notified.push(task.task_id);
      // The person types into the open page, then says they are done.
      setTimeout(() => {
        void (async () => {
          const page = browser.contexts().at(-1)?.pages().at(-1);
          await page?.locator('#note').fill('typed by a person');
          gate.complete(task.task_id);
        })();
      }, 200);
    });
    const automation = recording(server.url('/form'), [fill('#code', 'c-1'), { type: 'action_node', human_in_loop_action: { max_wait_time: 10 } }, clickSend]);
    const { task, outcome } = await runRecording(browser, automation, {}, undefined, { services: services({ humanInLoop: gate }) });
    expect(outcome.error).toBeNull();
    expect(notified).toEqual([task.task_id]);
    expect(submitted().at(-1)).toEqual({ code: 'c-1', note: 'typed by a person' });
  });

  it('fails the task when nobody finishes in time, saying how to release it', async () => {
    const gate = createHumanInLoopGate(async () => {});
    const automation = recording(server.url('/form'), [{ type: 'action_node', human_in_loop_action: { max_wait_time: 0.3 } }]);
    const { outcome } = await runRecording(browser, automation, {}, undefined, { services: services({ humanInLoop: gate }) });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('nodes[0] (human_in_loop_action): nobody finished the step within 0.3 s');
    expect(outcome.error).toContain('/human_in_loop_completed');
  });
});

describe('steps that need an LLM', () => {
  it('are accepted, try the recorded command first, and fail at the step naming the setting', async () => {
    const automation = recording(server.url('/form'), [
      // A command that works: no LLM needed even though a prompt is recorded.
      { ...fill('#code', 'x'), interaction_action: { ...fill('#code', 'x').interaction_action, input_text: { command: 'locator("#code")', input_text: 'x', prompt_instructions: 'the code field' } } },
      { type: 'action_node', before_sleep_time: 0, extraction_action: { llm: { extraction_format: { total: 'str' }, extraction_instructions: 'read the total' } } },
    ]);
    expect(validateRecording(automation).ok).toBe(true);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe('nodes[1] (extraction_action.llm) needs an LLM, and none is configured: set LLM_MODEL_API_KEY (model gemini/gemini-3.5-flash-lite; or GEMINI_API_KEY; or LLM_MODEL=openai/<model> with LLM_MODEL_BASE_URL for an OpenAI-compatible server)');
  });

  it('name the element step whose command failed, inside its loop', async () => {
    const automation = recording(server.url('/form'), [
      { type: 'for_loop_node', variable_name: 'items', nodes: [{ type: 'action_node', end_sleep_time: 0, interaction_action: { max_tries: 1, max_timeout_seconds_per_try: 0.2, click_element: { command: 'locator("#missing")', prompt_instructions: 'the missing button' } } }] },
    ], { items: ['a'] });
    const { outcome } = await runRecording(browser, automation, { input_parameters: { items: ['a'] } });
    expect(outcome.error).toMatch(/^nodes\[0\]\.nodes\[0\] \(click_element: locator\("#missing"\) failed after 1 tries .*\) needs an LLM, and none is configured: set LLM_MODEL_API_KEY/);
  });
});

describe('a first page that does not load', () => {
  it('does not fail the task by itself, and a later failure names it', async () => {
    const automation = recording('http://127.0.0.1:1/portal', [clickSend]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/\(before that, opening http:\/\/127\.0\.0\.1:1\/portal failed: page\.goto: net::ERR_/);
  });
});

describe('every kind of step that needs an LLM', () => {
  const kinds: [string, Record<string, unknown>][] = [
    ['assertion_action.llm', { assertion_action: { llm: { extraction_instructions: 'the page shows the portal' } } }],
    ['extraction_action.pdf', { extraction_action: { pdf: { filename: 'a.pdf', extraction_format: { total: 'str' }, extraction_instructions: 'read it' } } }],
    ['extraction_action.two_fa_action: reading the code from the email message', { extraction_action: { two_fa_action: { action: { type: 'email_two_fa_action', receiver_email_address: 'a@example.com', sender_email_address: 'b@example.com' }, output_variable_name: 'code' } } }],
    ['misc_action.llm_query', { misc_action: { llm_query: { output_format: { answer: 'str' }, prompt_instructions: 'what is on the page?' } } }],
  ];
  it.each(kinds)('%s is accepted and fails at its step naming the setting', async (what, action) => {
    const automation = recording(server.url('/form'), [fill('#code', 'before'), { type: 'action_node', before_sleep_time: 0, ...action }]);
    expect(validateRecording(automation).ok).toBe(true);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(`nodes[1] (${what}) needs an LLM, and none is configured: set LLM_MODEL_API_KEY (model gemini/gemini-3.5-flash-lite; or GEMINI_API_KEY; or LLM_MODEL=openai/<model> with LLM_MODEL_BASE_URL for an OpenAI-compatible server)`);
  });

  it.each([
    ['interaction_action.agentic_task', { interaction_action: { agentic_task: { task: 'accept the cookies', max_steps: 3 } } }],
    ['captcha_action', { captcha_action: { locator: 'locator("#captcha")' } }],
  ])('%s is accepted and fails at its step naming the browser agent it needs', async (what, action) => {
    const automation = recording(server.url('/form'), [fill('#code', 'before'), { type: 'action_node', before_sleep_time: 0, ...action }]);
    expect(validateRecording(automation).ok).toBe(true);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBe(`nodes[1] (${what}) needs a browser agent driven by an LLM, which this worker does not have`);
  });

  it('with a model configured, an agentic step fails the same way and asks no model', async () => {
    const llm = createLlmClient({ ...llmSettingsWithoutModel(), LLM_MODEL: 'openai/gpt-x', LLM_MODEL_API_KEY: 'sk-test', LLM_MODEL_BASE_URL: 'http://127.0.0.1:1/v1' });
    const automation = recording(server.url('/form'), [{ type: 'action_node', before_sleep_time: 0, interaction_action: { agentic_task: { task: 'accept the cookies', max_steps: 3 } } }]);
    const { outcome } = await runRecording(browser, automation, {}, undefined, { services: services({ llm }) });
    expect(outcome.error).toBe('nodes[0] (interaction_action.agentic_task) needs a browser agent driven by an LLM, which this worker does not have');
  });
});

describe('fetch_2fa_action (Dec-2025 format)', () => {
  it('computes the TOTP code into a variable the next step types', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const automation = {
      url: server.url('/form'),
      parameters: { input_parameters: { totp_secret: [secret] }, generated_parameters: { totp_code: [] } },
      nodes: [{ fetch_2fa_action: { fetch_totp_2fa_action: { totp_secret: '{totp_secret[0]}' }, output_variable_name: 'totp_code' }, end_sleep_time: 0 }, fill('#code', '{totp_code[0]}'), clickSend],
    };
    const before = totp(secret);
    const { outcome } = await runRecording(browser, automation, { input_parameters: { totp_secret: [secret] } });
    const after = totp(secret);
    expect(outcome.error).toBeNull();
    expect([before, after]).toContain(submitted().at(-1)?.code);
  });

  it('fails an email code step naming what it needs', async () => {
    const automation = {
      url: server.url('/form'),
      parameters: { input_parameters: {}, generated_parameters: {} },
      nodes: [{ fetch_2fa_action: { fetch_email_2fa_action: { email_address: 'a@example.com', subject: 'Code', service: 'gmail' }, output_variable_name: 'code' } }],
    };
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toContain('nodes[0] (fetch_2fa_action.fetch_email_2fa_action: reading the code from an email) needs an LLM');
  });
});

describe('secure parameters from AWS Secrets Manager', () => {
  it('fill a field with the secret, and no step file holds it', async () => {
    const secretsManager = mockClient(SecretsManagerClient);
    secretsManager.on(GetSecretValueCommand, { SecretId: 'portal/login' }).resolves({ SecretString: '{"password":"pa55-from-aws"}' });
    const reference = { amazon_secrets_manager: { secret_name: 'portal/login', region_name: 'eu-west-1', key: 'password' } };
    const automation = {
      ...recording(server.url('/form'), [fill('#note', '{password[0]}'), clickSend]),
      parameters: { input_parameters: {}, generated_parameters: {}, secure_parameters: { password: [reference] } },
    };
    try {
      const { task, outcome } = await runRecording(browser, automation, { secure_parameters: { password: [reference] } }, undefined, {
        services: services({ secrets: { awsSecretsManager: createAwsSecretReader() } }),
      });
      expect(outcome.error).toBeNull();
      expect(submitted().at(-1)?.note).toBe('pa55-from-aws');
      const logs = taskPaths(task).logsDirectory;
      for (const step of readdirSync(logs).filter((name) => name.startsWith('step_'))) {
        for (const file of readdirSync(join(logs, step)).filter((name) => name.endsWith('.json'))) {
          expect(readFileSync(join(logs, step, file), 'utf8')).not.toContain('pa55-from-aws');
        }
      }
      // The step list masks it; a trace would hold it in the fill call, so none is kept.
      expect(readFileSync(join(logs, 'steps.json'), 'utf8')).not.toContain('pa55-from-aws');
      expect(readdirSync(logs)).not.toContain('trace.zip');
    } finally {
      secretsManager.restore();
    }
  });
});
