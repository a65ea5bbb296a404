import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../../test/support/browser.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../../../test/support/fake-llm-server.js';
import { sendJson, startPageServer, type PageServer } from '../../../../test/support/page-server.js';
import { recording, runRecording } from '../../../../test/support/run-recording.js';
import { clickStep, extractionStep, fillStep } from '../../../../test/support/steps.js';
import { createLlmClient, llmSettingsWithoutModel } from '../../../llm/create-llm-client.js';
import { taskPaths } from '../../../schemas/wire/task.js';
import { DEFAULT_RUN_SERVICES, type RunServices } from '../run-services.js';
import { controlPlaneTwoFaMessages } from './two-fa-messages.js';

const INVOICE_PAGE = `<!doctype html><title>Invoice</title>
<h1>Invoice INV-7731</h1>
<table><tr><th>Item</th><th>Price</th></tr><tr><td>Blue widget</td><td>12.50</td></tr><tr><td>Red gadget</td><td>30.00</td></tr></table>
<p>Total due: 42.50 EUR</p>
<label>Code <input id="code"></label>
<button onclick="fetch('/api/submit?code=' + encodeURIComponent(code.value))">Send</button>
<a href="/files/statement.pdf">Statement</a>`;

const STATEMENT_PDF = Buffer.from('%PDF-1.4\n% statement\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let browser: Browser;
let pages: PageServer;
let llmServer: FakeLlmServer;
let messagePolls = 0;

const submitted = () => pages.requests.filter((r) => r.path === '/api/submit').map((r) => r.query.get('code'));
const fill = (text: string) => fillStep('locator("#code")', text);
const clickSend = clickStep('get_by_role("button", name="Send")');
const step = (action: Record<string, unknown>) => ({ type: 'action_node', before_sleep_time: 0, end_sleep_time: 0, ...action });

function services(extra: Partial<RunServices> = {}): RunServices {
  const llm = createLlmClient({ ...llmSettingsWithoutModel(), LLM_MODEL: 'openai/test-model', LLM_MODEL_API_KEY: 'sk-test', LLM_MODEL_BASE_URL: llmServer.baseUrl, LLM_MAX_RETRIES: 0 });
  return { ...DEFAULT_RUN_SERVICES, llm, ...extra };
}

const run = (nodes: unknown[], extra: Partial<RunServices> = {}) => runRecording(browser, recording(pages.url('/invoice'), nodes), {}, undefined, { services: services(extra) });

beforeAll(async () => {
  browser = await launchTestBrowser();
  llmServer = await startFakeLlmServer();
  pages = await startPageServer(
    { '/invoice': INVOICE_PAGE },
    {
      '/api/submit': (_req, res) => sendJson(res, 200, { ok: true }),
      '/files/statement.pdf': (_req, res) => void res.writeHead(200, { 'content-type': 'application/pdf' }).end(STATEMENT_PDF),
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await llmServer?.close();
});

beforeEach(() => {
  llmServer.requests.length = 0;
  llmServer.respond(() => undefined);
});

describe('extraction_action.llm', () => {
  it('reads the page into typed output data and variables a later step types', async () => {
    llmServer.enqueue({ json: { invoice: 'INV-7731', total: 42.5, items: ['Blue widget', 'Red gadget'], paid: false } });
    const { outcome } = await run([
      extractionStep({
        unique_identifier: 'invoice',
        llm: {
          extraction_format: { invoice: 'str', total: 'float', items: 'List[str]', paid: 'bool' },
          extraction_instructions: 'Read the invoice number, the total and the item names.',
          output_variable_names: ['invoice', 'items'],
          source: ['axtree', 'screenshot'],
        },
      }),
      fill('{invoice[0]} {items[1]}'),
      clickSend,
    ]);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData).toContainEqual({ unique_identifier: 'invoice', json_data: { invoice: 'INV-7731', total: 42.5, items: ['Blue widget', 'Red gadget'], paid: false } });
    expect(submitted().at(-1)).toBe('INV-7731 Red gadget');

    const [request] = llmServer.requests;
    expect(request?.model).toBe('test-model');
    expect(request?.system).toContain('Read the invoice number, the total and the item names.');
    expect(request?.userText).toContain('Invoice INV-7731');
    expect(request?.userText).toContain('Total due: 42.50 EUR');
    expect(request?.images).toHaveLength(1);
    expect(request?.images[0]).toMatch(/^data:image\/png;base64,/);
    const schema = request?.responseFormat?.json_schema?.schema as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(['invoice', 'total', 'items', 'paid']);
    expect(schema.properties.items).toEqual({ type: ['array', 'null'], items: { type: 'string' } });
  });

  it('sends no page text when the source is the screenshot only', async () => {
    llmServer.enqueue({ json: { total: '42.50' } });
    const { outcome } = await run([extractionStep({ llm: { extraction_format: { total: 'str' }, extraction_instructions: 'the total', source: ['screenshot'] } })]);
    expect(outcome.error).toBeNull();
    expect(llmServer.requests[0]?.userText).not.toContain('INV-7731');
    expect(llmServer.requests[0]?.images).toHaveLength(1);
  });

  it('without a screenshot in the source, sends no image', async () => {
    llmServer.enqueue({ json: { total: '42.50' } });
    const { outcome } = await run([extractionStep({ llm: { extraction_format: { total: 'str' }, extraction_instructions: 'the total' } })]);
    expect(outcome.error).toBeNull();
    expect(llmServer.requests[0]?.images).toEqual([]);
  });

  it('fails the task when the answer holds a null and allow_none is false', async () => {
    llmServer.enqueue({ json: { invoice: null } });
    const { outcome } = await run([
      extractionStep({ llm: { extraction_format: { invoice: 'str' }, extraction_instructions: 'the invoice number', output_variable_names: ['invoice'] } }),
    ]);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe("Extraction produced null value(s) in variable 'invoice' and allow_none is False");
  });

  it('asks the model a step names, and sums the token usage of every step', async () => {
    llmServer.enqueue({ json: { invoice: 'INV-7731' }, usage: { prompt_tokens: 100, completion_tokens: 10 } }, { json: { answer: 'yes' }, usage: { prompt_tokens: 40, completion_tokens: 4 } });
    const { outcome } = await run([
      extractionStep({ llm: { extraction_format: { invoice: 'str' }, extraction_instructions: 'the invoice number', llm_model_name: 'openai/invoice-reader' } }),
      step({ misc_action: { llm_query: { output_format: { answer: 'str' }, prompt_instructions: 'Say yes.', llm_provider: 'openai', llm_model_name: 'query-model' } } }),
    ]);
    expect(outcome.error).toBeNull();
    expect(llmServer.requests.map((r) => r.model)).toEqual(['invoice-reader', 'query-model']);
    expect(outcome.tokenUsage).toMatchObject({ input_tokens: 140, output_tokens: 14, total_tokens: 154 });
  });

  it('keeps what it asked and answered in the step folder', async () => {
    llmServer.enqueue({ json: { invoice: 'INV-7731' } });
    const { task, outcome } = await run([extractionStep({ llm: { extraction_format: { invoice: 'str' }, extraction_instructions: 'the invoice number' } })]);
    expect(outcome.error).toBeNull();
    const dir = join(taskPaths(task).logsDirectory, 'step_0');
    expect(readFileSync(join(dir, 'axtree.txt'), 'utf8')).toContain('Invoice INV-7731');
    expect(readFileSync(join(dir, 'final_prompt.txt'), 'utf8')).toContain('the invoice number');
    expect(JSON.parse(readFileSync(join(dir, 'llm_response.json'), 'utf8'))).toMatchObject({ answer: { invoice: 'INV-7731' } });
  });
});

describe('assertion_action.llm', () => {
  it('passes when the model finds the condition true, shown the screenshot', async () => {
    llmServer.enqueue({ json: { assertion_result: true, assertion_reason: 'The invoice is shown.' } });
    const { outcome } = await run([step({ assertion_action: { llm: { extraction_instructions: 'The page shows an invoice.' } } }), fill('after'), clickSend]);
    expect(outcome.error).toBeNull();
    expect(submitted().at(-1)).toBe('after');
    const [request] = llmServer.requests;
    expect(request?.images).toHaveLength(1);
    // The default source is the screenshot alone: no page text.
    expect(request?.userText).not.toContain('INV-7731');
    expect(request?.system).toContain('The page shows an invoice.');
    expect(Object.keys((request?.responseFormat?.json_schema?.schema as { properties: object }).properties)).toEqual(['assertion_result', 'assertion_reason']);
  });

  it('fails the task with the model reason when the condition is false', async () => {
    llmServer.enqueue({ json: { assertion_result: false, assertion_reason: 'The total is 42.50, not 10.00.' } });
    const { outcome } = await run([fill('before'), step({ assertion_action: { llm: { extraction_instructions: 'The total is 10.00.' } } }), fill('after')]);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe('nodes[1]: Assertion failed: The total is 42.50, not 10.00.');
  });

  it('fails the task when the model gives no result', async () => {
    llmServer.enqueue({ json: { assertion_result: null, assertion_reason: null } });
    const { outcome } = await run([step({ assertion_action: { llm: { extraction_instructions: 'The total is 10.00.', source: ['axtree'] } } })]);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe('nodes[0]: Assertion failed (the model gave no result): the model gave no reason');
    // "screenshot" is always added to an assertion's sources, as in the original.
    expect(llmServer.requests[0]?.images).toHaveLength(1);
    expect(llmServer.requests[0]?.userText).toContain('INV-7731');
  });
});

describe('extraction_action.locator LLM fallback', () => {
  it('asks the model when the element has no text, and stores its value', async () => {
    llmServer.enqueue({ json: { total: '42.50' } });
    const { outcome } = await run([
      extractionStep({
        unique_identifier: 'totals',
        locator: { command: 'locator("#no-such-total")', output_variable_name: 'total', extraction_format: { total: 'str' }, extraction_instructions: 'The total due, without the currency.' },
      }),
      fill('{total[0]}'),
      clickSend,
    ]);
    expect(outcome.error).toBeNull();
    expect(submitted().at(-1)).toBe('42.50');
    expect(outcome.outputData).toContainEqual({ unique_identifier: 'totals', json_data: { total: '42.50' } });
    expect(llmServer.requests[0]?.system).toContain('The total due, without the currency.');
    expect(llmServer.requests[0]?.userText).toContain('Total due: 42.50 EUR');
  });

  it('asks no model when the element has text', async () => {
    const { outcome } = await run([
      extractionStep({ locator: { command: 'locator("h1")', output_variable_name: 'title', extraction_format: { title: 'str' }, extraction_instructions: 'the title' } }),
    ]);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData).toContainEqual({ unique_identifier: null, json_data: { title: 'Invoice INV-7731' } });
    expect(llmServer.requests).toEqual([]);
  });

  it('without extraction_instructions, leaves the value null and asks no model', async () => {
    const { outcome } = await run([extractionStep({ locator: { command: 'locator("#no-such-total")', output_variable_name: 'total', extraction_format: { total: 'str' } } })]);
    expect(outcome.error).toBe("Extraction produced null value(s) in variable 'total' and allow_none is False");
    expect(llmServer.requests).toEqual([]);
  });

  it('says why the fallback failed when the value stays null', async () => {
    llmServer.enqueue({ status: 500 });
    const { outcome } = await run([
      extractionStep({ locator: { command: 'locator("#no-such-total")', output_variable_name: 'total', extraction_format: { total: 'str' }, extraction_instructions: 'the total' } }),
    ]);
    expect(outcome.error).toMatch(/^Extraction produced null value\(s\) in variable 'total' and allow_none is False \(the LLM fallback failed: nodes\[0\] \(extraction_action\.locator: reading the value with the LLM\): The LLM call failed/);
  });
});

describe('misc_action.llm_query', () => {
  it('answers from the instructions alone into output data and variables', async () => {
    llmServer.enqueue({ json: { greeting: 'Hello Ada', words: ['Hello', 'Ada'] } });
    const { outcome } = await runRecording(
      browser,
      recording(pages.url('/invoice'), [step({ misc_action: { llm_query: { output_format: { greeting: 'str', words: 'list[str]' }, prompt_instructions: 'Greet {name[0]}.', output_variable_names: ['greeting'] } } }), fill('{greeting[0]}'), clickSend], { name: ['Ada'] }),
      { input_parameters: { name: ['Ada'] } },
      undefined,
      { services: services() },
    );
    expect(outcome.error).toBeNull();
    expect(submitted().at(-1)).toBe('Hello Ada');
    expect(outcome.outputData).toContainEqual({ unique_identifier: null, json_data: { greeting: 'Hello Ada', words: ['Hello', 'Ada'] } });
    const [request] = llmServer.requests;
    expect(request?.userText).toBe('Greet Ada.');
    expect(request?.images).toEqual([]);
  });
});

describe('extraction_action.pdf', () => {
  it('sends the downloaded PDF whose name matches to the model as a file', async () => {
    llmServer.enqueue({ json: { balance: '1,204.00' } });
    const { task, outcome } = await run([
      clickStep('get_by_role("link", name="Statement")'),
      extractionStep({ pdf: { filename: 'statement', extraction_format: { balance: 'str' }, extraction_instructions: 'The closing balance.' } }),
    ]);
    expect(outcome.error).toBeNull();
    expect(readdirSync(taskPaths(task).downloadsDirectory)).toEqual(['statement.pdf']);
    expect(outcome.outputData).toContainEqual({ unique_identifier: 'statement.pdf', json_data: { balance: '1,204.00' } });
    const [request] = llmServer.requests;
    expect(request?.files).toHaveLength(1);
    expect(request?.files[0]?.filename).toBe('statement.pdf');
    expect(request?.files[0]?.data).toContain(STATEMENT_PDF.toString('base64'));
    expect(request?.userText).toContain('The closing balance.');
  });

  it('fails naming the file when nothing downloaded matches', async () => {
    const { outcome } = await run([extractionStep({ pdf: { filename: 'statement', extraction_format: { balance: 'str' }, extraction_instructions: 'The closing balance.' } })]);
    expect(outcome.error).toBe('nodes[0] (extraction_action.pdf): no downloaded file matches "statement"; nothing has been downloaded');
    expect(llmServer.requests).toEqual([]);
  });
});

describe('2FA codes read from messages', () => {
  let control: PageServer;
  const fetches = () => control.requests.filter((r) => r.path.startsWith('/api/v1/fetch_'));

  beforeAll(async () => {
    control = await startPageServer(
      {},
      {
        // No message on the first poll, then the code arrives.
        '/api/v1/fetch_email_messages': (_req, res) => {
          messagePolls += 1;
          const messages = messagePolls < 2 ? [] : [{ message_id: 'm1', message_text: 'Your sign-in code is 481516. Order #99.', timestamp: new Date().toISOString() }];
          sendJson(res, 200, { messages });
        },
        '/api/v1/fetch_sms_messages': (_req, res) => sendJson(res, 200, { messages: [{ message_text: 'Thanks for your order', timestamp: new Date().toISOString() }] }),
      },
    );
  });
  afterAll(() => control?.close());
  beforeEach(() => {
    messagePolls = 0;
    control.requests.length = 0;
  });

  const twoFaMessages = () =>
    controlPlaneTwoFaMessages({
      SERVER_URL: control.url('/'),
      FETCH_EMAIL_MESSAGES_ENDPOINT: 'api/v1/fetch_email_messages',
      FETCH_SLACK_MESSAGES_ENDPOINT: 'api/v1/fetch_slack_messages',
      FETCH_SMS_MESSAGES_ENDPOINT: 'api/v1/fetch_sms_messages',
      CONTROL_PLANE_TIMEOUT_SECONDS: 5,
    });

  it('two_fa_action polls the control plane until the model finds the code, which a later step types', async () => {
    llmServer.enqueue({ json: { code: '481516' } });
    const started = Date.now();
    const { task, outcome } = await run(
      [
        fill('requesting'),
        extractionStep({
          two_fa_action: {
            action: { type: 'email_two_fa_action', receiver_email_address: 'me@example.com', sender_email_address: 'noreply@bank.example' },
            instructions: 'The code is six digits.',
            output_variable_name: 'otp',
            max_wait_time: 5,
            check_interval: 0.1,
          },
        }),
        fill('{otp[0]}'),
        clickSend,
      ],
      { twoFaMessages: twoFaMessages() },
    );
    expect(outcome.error).toBeNull();
    expect(submitted().at(-1)).toBe('481516');
    expect(fetches()).toHaveLength(2);
    const body = JSON.parse(fetches()[0]?.body ?? '{}') as Record<string, string>;
    expect(body).toMatchObject({ receiver_email_address: 'me@example.com', sender_email_address: 'noreply@bank.example', integration_email_address: null, endpoint_name: task.endpoint_name });
    // The window starts at the last interaction and spans max_wait_time.
    const start = Date.parse(body.start_2fa_time ?? '');
    expect(start).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(body.end_2fa_time ?? '') - start).toBe(5000);
    expect(fetches()[0]?.headers['x-api-key']).toBe(task.api_key);
    // The model is asked once, when there are messages, and shown their text and the instructions.
    expect(llmServer.requests).toHaveLength(1);
    expect(llmServer.requests[0]?.userText).toContain('Your sign-in code is 481516. Order #99.');
    expect(llmServer.requests[0]?.userText).toContain('The code is six digits.');
  });

  it('fails with "2FA code not found" when no message holds a code within max_wait_time', async () => {
    llmServer.respond(() => ({ json: { code: null } }));
    const { outcome } = await run(
      [extractionStep({ two_fa_action: { action: { type: 'sms_two_fa_action', from_number: '+100', to_number: '+200' }, output_variable_name: 'otp', max_wait_time: 0.3, check_interval: 0.1 } })],
      { twoFaMessages: twoFaMessages() },
    );
    expect(outcome.error).toBe('nodes[0] (extraction_action.two_fa_action: reading the code from the sms message): 2FA code not found');
    expect(JSON.parse(fetches()[0]?.body ?? '{}')).toMatchObject({ from_number: '+100', to_number: '+200' });
    expect(llmServer.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('fails at once, naming the endpoint, when the control plane has no such endpoint (404)', async () => {
    const started = Date.now();
    const { outcome } = await run(
      [extractionStep({ two_fa_action: { action: { type: 'slack_two_fa_action', slack_workspace_domain: 'acme', channel_name: 'otp', sender_name: 'bot' }, output_variable_name: 'otp', max_wait_time: 30, check_interval: 0.1 } })],
      { twoFaMessages: twoFaMessages() },
    );
    expect(outcome.error).toMatch(/^nodes\[0\] \(extraction_action\.two_fa_action: reading the code from the slack message\): the control plane does not serve fetch_slack_messages \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/fetch_slack_messages answered 404\)$/);
    expect(fetches()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(llmServer.requests).toHaveLength(0);
  });

  it('fetch_2fa_action.fetch_email_2fa_action reads the code from the sender email', async () => {
    messagePolls = 1;
    llmServer.enqueue({ json: { code: ['481516'] } });
    const automation = {
      url: pages.url('/invoice'),
      parameters: { input_parameters: {}, generated_parameters: {} },
      nodes: [{ fetch_2fa_action: { fetch_email_2fa_action: { email_address: 'noreply@bank.example', subject: 'Sign-in code', service: 'gmail' }, output_variable_name: 'code' }, end_sleep_time: 0 }, fill('{code[0]}'), clickSend],
    };
    const { outcome } = await runRecording(browser, automation, {}, undefined, { services: services({ twoFaMessages: twoFaMessages() }) });
    expect(outcome.error).toBeNull();
    expect(submitted().at(-1)).toBe('481516');
    expect(JSON.parse(fetches()[0]?.body ?? '{}')).toMatchObject({ sender_email_address: 'noreply@bank.example' });
    expect(llmServer.requests[0]?.userText).toContain('Sign-in code');
  });

  it('without a message source, fails naming the endpoint it needs', async () => {
    const { outcome } = await run([extractionStep({ two_fa_action: { action: { type: 'sms_two_fa_action', from_number: '+100', to_number: '+200' }, output_variable_name: 'otp' } })]);
    expect(outcome.error).toBe("nodes[0] (extraction_action.two_fa_action: reading the code from the sms message) needs the control plane's fetch_sms_messages endpoint, which this runtime does not have");
  });
});
