import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_SERVICES, type RunServices } from '../../lib/automation/runner/run-services.js';
import { BASE_CAPABILITIES } from '../../lib/automation/worker-capabilities.js';
import { createLlmClient, llmSettingsWithoutModel } from '../../lib/llm/create-llm-client.js';
import { taskPaths, type TaskInput } from '../../lib/schemas/wire/task.js';
import { launchTestBrowser } from '../support/browser.js';
import { snapshotIndexOf, startFakeLlmServer, type FakeLlmServer, type LlmRequestRecord, type ScriptedReply } from '../support/fake-llm-server.js';
import { startPageServer, type PageServer, type RecordedRequest } from '../support/page-server.js';
import { runRecording } from '../support/run-recording.js';
import { AUTHORIZATIONS, MEMBER, medicaidLoginResult, medicaidPages } from './portals/medicaid-portal.js';
import { ACCOUNT, signInPages, signInResult } from './portals/sign-in-portal.js';
import { STOCKS, stockPages } from './portals/stock-search.js';

/**
 * Corpus recordings that need a model, run end to end on local pages shaped like the sites they
 * were recorded on, against a local Chat Completions server answering as a model would: it
 * reads the page text it is sent and picks the element or the values from it. Each recording
 * has a recorded locator that no longer matches its page, recovered by the element fallback.
 */
const corpus = (name: string) => JSON.parse(readFileSync(new URL(`./optexity-corpus/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

let browser: Browser;
let model: FakeLlmServer;
/** One server per site: each serves its own `/`. */
let stockSite: PageServer;
let signInSite: PageServer;
let medicaidSite: PageServer;

function postRedirect(page: string, target: (body: string) => string) {
  return (req: RecordedRequest, res: ServerResponse) => {
    if (req.method === 'POST') res.writeHead(303, { location: target(req.body) }).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  };
}

beforeAll(async () => {
  [browser, model] = await Promise.all([launchTestBrowser(), startFakeLlmServer()]);
  [stockSite, signInSite, medicaidSite] = await Promise.all([
    startPageServer(stockPages),
    startPageServer(signInPages, { '/dashboard/sign-in': postRedirect(signInPages['/dashboard/sign-in'] ?? '', signInResult) }),
    startPageServer(medicaidPages, { '/careconnect/login': postRedirect('', medicaidLoginResult) }),
  ]);
});
afterAll(() => Promise.all([browser?.close(), model?.close(), stockSite?.close(), signInSite?.close(), medicaidSite?.close()]));
beforeEach(() => {
  model.requests.length = 0;
});

function services(more: Partial<RunServices> = {}): RunServices {
  const llm = createLlmClient({ ...llmSettingsWithoutModel(), LLM_MODEL: 'openai/portal-model', LLM_MODEL_API_KEY: 'sk-local', LLM_MODEL_BASE_URL: model.baseUrl, LLM_MAX_RETRIES: 0 });
  return { ...DEFAULT_RUN_SERVICES, llm, ...more };
}

const schemaKeys = (req: LlmRequestRecord) => Object.keys((req.responseFormat?.json_schema?.schema.properties ?? {}) as object);
const isElementQuestion = (req: LlmRequestRecord) => schemaKeys(req).includes('index');

/** The model's element choice: the first snapshot line matching what the goal asks for. */
function pick(req: LlmRequestRecord, goals: [RegExp, RegExp][]): ScriptedReply {
  for (const [goal, element] of goals) if (goal.test(req.userText)) return { json: { index: snapshotIndexOf(req.userText, element) } };
  return { json: { index: -1 } };
}

async function stepFile(taskDir: string, name: string): Promise<unknown[]> {
  const logs = join(taskDir, 'logs');
  const steps = (await readdir(logs)).filter((dir) => dir.startsWith('step_'));
  const found: unknown[] = [];
  for (const step of steps) {
    const text = await readFile(join(logs, step, name), 'utf8').catch(() => null);
    if (text !== null) found.push(JSON.parse(text));
  }
  return found;
}

describe('head_examples_extract_price_stockanalysis.json', () => {
  it('finds the suggestion with no recorded command and reads the quote from the page text and a screenshot', async () => {
    const automation = { ...corpus('head_examples_extract_price_stockanalysis.json'), url: stockSite.url('/') };
    model.respond((req) => {
      if (isElementQuestion(req)) return pick(req, [[/stock equivalent for AAPL/, /<link href="\/stocks\/aapl\/"/]]);
      // A model reading the quote page: name and symbol from the heading, the price after it.
      const heading = /# (.+) \(([A-Z]+)\)/.exec(req.userText);
      const price = /\b(\d+\.\d\d)\b/.exec(req.userText.slice(heading?.index ?? 0));
      return { json: { stock_name: heading?.[1] ?? null, stock_price: price?.[1] ?? null, stock_symbol: heading?.[2] ?? null } };
    });

    const { outcome } = await runRecording(browser, automation, { input_parameters: { stock_ticker: ['AAPL'] } }, undefined, { services: services() });

    expect(outcome.error).toBeNull();
    expect(outcome.outputData.map((o) => o.json_data)).toContainEqual({ stock_name: STOCKS.AAPL.name, stock_price: STOCKS.AAPL.price, stock_symbol: 'AAPL' });
    const [element, extraction] = model.requests;
    expect(model.requests).toHaveLength(2);
    expect(element?.userText).toContain('Click on the link with the name of the stock equivalent for AAPL.');
    // The model had a choice: the site suggests every stock starting with the same letter.
    expect(element?.userText).toMatch(/<link href="\/stocks\/aple\/">Apple Hospitality/);
    // The step's source is ["screenshot", "axtree"]: both went to the model.
    expect(extraction?.images).toHaveLength(1);
    expect(extraction?.userText).toContain(STOCKS.AAPL.price);
    expect(outcome.tokenUsage).toMatchObject({ input_tokens: 200, output_tokens: 20, total_tokens: 220 });
  });
});

describe('head_examples_supabase_login.json', () => {
  const automation = () => ({ ...corpus('head_examples_supabase_login.json'), url: signInSite.url('/') });
  // A worker with a 1Password service account; the SDK itself cannot run here, its reader is local.
  const withOnePassword = { ...BASE_CAPABILITIES, onePassword: true };
  // The control plane sends the recording's 1Password references with the task.
  const securePartOf = (recorded: Record<string, unknown>) => (recorded.parameters as { secure_parameters: TaskInput['secure_parameters'] }).secure_parameters;
  const secrets = (password: string) => ({
    onePassword: async (reference: string) => (reference.endsWith('/username') ? ACCOUNT.email : password),
  });
  const answer = (passed: boolean, reason: string) => (req: LlmRequestRecord) => {
    if (isElementQuestion(req)) return pick(req, [[/Click the Sign in link/, /<link href="\/dashboard\/sign-in">Log in</]]);
    const result: Record<string, unknown> = {};
    for (const key of schemaKeys(req)) {
      const type = (req.responseFormat?.json_schema?.schema.properties as Record<string, { type?: unknown }>)[key]?.type;
      result[key] = String(type).includes('boolean') ? passed : reason;
    }
    return { json: result };
  };

  it('recovers the renamed "Sign in" link, signs in with the 1Password values and passes the model-checked assertion', async () => {
    model.respond(answer(true, 'The projects page of a signed-in account is shown'));
    const { outcome, task } = await runRecording(browser, automation(), { secure_parameters: securePartOf(automation()) }, undefined, { services: services({ secrets: secrets(ACCOUNT.password) }), capabilities: withOnePassword });

    expect(outcome.error).toBeNull();
    expect(signInSite.requests.filter((r) => r.method === 'POST').at(-1)?.body).toBe(new URLSearchParams({ email: ACCOUNT.email, password: ACCOUNT.password }).toString());
    expect(model.requests.map(isElementQuestion)).toEqual([true, false]);
    // The assertion reads the screenshot, as its default source says.
    expect(model.requests[1]?.images).toHaveLength(1);
    const responses = (await stepFile(taskPaths(task).taskDirectory, 'llm_response.json')) as { chosen_element?: { name?: string } }[];
    expect(responses.find((r) => r.chosen_element)?.chosen_element?.name).toBe('Log in');
    // The secure values reach neither the model nor the saved prompts.
    for (const request of model.requests) {
      expect(JSON.stringify(request.body)).not.toContain(ACCOUNT.password);
      expect(JSON.stringify(request.body)).not.toContain(ACCOUNT.email);
    }
  });

  it('fails the task with the reason the model gives when the assertion does not hold', async () => {
    model.respond(answer(false, 'The page says: Invalid login credentials'));
    const { outcome } = await runRecording(browser, automation(), { secure_parameters: securePartOf(automation()) }, undefined, { services: services({ secrets: secrets('wrong password') }), capabilities: withOnePassword });

    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('nodes[3]');
    expect(outcome.error).toContain('The page says: Invalid login credentials');
  });
});

describe('head_examples_peachstate_medicaid.json', () => {
  it('signs in, recovers the renamed "GO" button, follows the new tab and reads every authorization in a loop', { timeout: 90_000 }, async () => {
    const automation = { ...corpus('head_examples_peachstate_medicaid.json'), url: medicaidSite.url('/sso/authorization') };
    model.respond((req) => {
      if (isElementQuestion(req)) return pick(req, [[/Click the GO button/, /^\s*\[\d+\]<button>Search</]]);
      const keys = schemaKeys(req);
      // A model reading the table: every authorization number on the page.
      if (keys.includes('authorization_numbers')) return { json: { authorization_numbers: [...new Set(req.userText.match(/A\d{4}-\d{4}/g) ?? [])] } };
      // A model reading one authorization's page: the record whose number heads the page.
      const shown = AUTHORIZATIONS.find((a) => req.userText.includes(`# Authorization ${a['Auth Nbr']}`));
      return shown ? { json: { ...shown } } : { status: 500 };
    });

    const { outcome } = await runRecording(
      browser,
      automation,
      { input_parameters: { username: [MEMBER.username], password: [MEMBER.password], plan_type: [MEMBER.plan], member_id: [MEMBER.memberId], dob: [MEMBER.dob] } },
      undefined,
      { services: services() },
    );

    expect(outcome.error).toBeNull();
    const data = outcome.outputData.map((o) => o.json_data);
    expect(data[0]).toEqual({ authorization_numbers: AUTHORIZATIONS.map((a) => a['Auth Nbr']) });
    expect(data.slice(1)).toEqual(AUTHORIZATIONS.map((a) => ({ ...a })));
    // One element question (the renamed button), then the list and one question per authorization.
    expect(model.requests.map(isElementQuestion)).toEqual([true, false, false, false]);
    const detailPrompt = model.requests[2]?.userText ?? '';
    for (const value of Object.values(AUTHORIZATIONS[0])) expect(detailPrompt).toContain(value);
    expect(outcome.tokenUsage?.input_tokens).toBe(400);
  });
});
