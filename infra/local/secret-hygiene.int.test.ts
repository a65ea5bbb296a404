import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/support/fake-llm-server.js';
import { sendJson, startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { clickStep, extractionStep, fillStep, interactionStep } from '../../test/support/steps.js';
import { startTestWorker, WORKER_TEST_API_KEY, type TestWorker } from '../../test/support/worker.js';

/**
 * One real task through the local worker and its embedded control plane, using every kind of
 * secret that can run offline, then every place anything is written or answered is searched for
 * each secret (raw, base64 and URL-encoded). Secrets may appear only where they must: typed into
 * the page (the page server sees them), the callback's own auth header, the model key in the
 * model request's Authorization header, and the worker's own key on its requests.
 */

const TOTP_SECRET = 'KRUGKIDTMVRXEZLUEBRW6ZDF';
const AWS_PASSWORD = 'AwsPa55wordQ7f3kXzLm';
const AWS_USER = 'svcUserZq4x9Wt2Rb';
const AWS_SECRET_STRING = JSON.stringify({ username: AWS_USER, password: AWS_PASSWORD });
const CALLBACK_API_KEY = 'cb-key/Q9+zVt8=Wm3s';
const CALLBACK_SIGNING_SECRET = 'sign-secret+Hk29/Pq7&Lx';
const LLM_KEY = 'sk-llm-secret/Tf6+Ny2=Jd';
const BASIC_USER = 'hookUserMv83Kd';
const BASIC_PASSWORD = 'hook-pass/Wq7+Zr2=Ty';

const SECRETS: Record<string, string> = {
  totp_secret: TOTP_SECRET,
  aws_password: AWS_PASSWORD,
  aws_user: AWS_USER,
  aws_secret_string: AWS_SECRET_STRING,
  callback_api_key: CALLBACK_API_KEY,
  callback_signing_secret: CALLBACK_SIGNING_SECRET,
  llm_key: LLM_KEY,
  api_key: WORKER_TEST_API_KEY,
  basic_user: BASIC_USER,
  basic_password: BASIC_PASSWORD,
};

/** Each secret's forms: raw, URL- and form-encoded, JSON-escaped, and base64 at every alignment. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)]);
  for (let shift = 0; shift < 3; shift += 1) {
    const encoded = Buffer.from(`${'x'.repeat(shift)}${secret}`).toString('base64');
    // Drop the groups that mix in bytes around the secret: what is left is in any encoding of it.
    forms.add(encoded.slice(shift === 0 ? 0 : 4, -4));
    forms.add(encoded.slice(shift === 0 ? 0 : 4, -4).replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((form) => form.length >= 8);
}

type Found = { where: string; secret: string; form: string };

function scan(where: string, text: string, allowed: string[] = []): Found[] {
  const found: Found[] = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    if (allowed.includes(name)) continue;
    for (const form of formsOf(secret)) if (text.includes(form)) found.push({ where, secret: name, form });
  }
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

async function tarEntries(gz: Buffer): Promise<{ name: string; data: Buffer }[]> {
  const entries: { name: string; data: Buffer }[] = [];
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, data: Buffer.concat(chunks) });
        next();
      });
      stream.resume();
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
  });
  tar.end(gunzipSync(gz));
  await done;
  return entries;
}

/** A file's text, with a gzip (or a tar inside it) opened: latin1 keeps every byte findable. */
async function scanFile(where: string, data: Buffer): Promise<Found[]> {
  const found = scan(where, data.toString('latin1'));
  if (data[0] === 0x1f && data[1] === 0x8b) {
    const inner = gunzipSync(data);
    found.push(...scan(`${where} (gunzipped)`, inner.toString('latin1')));
    if (where.endsWith('.tar.gz') || where.endsWith('.tgz')) {
      for (const entry of await tarEntries(data)) found.push(...scan(`${where}!${entry.name}`, entry.data.toString('latin1')));
    }
  }
  return found;
}


/** The control plane's DATA_DIR, every read answer and the dashboard, after a task has ended. */
async function scanControlPlane(taskId: string): Promise<Found[]> {
  const found: Found[] = [];
  // The control plane's DATA_DIR (SQLite and its WAL, uploads, the trajectory opened) and the outbox.
  const dataFiles = await filesUnder(dataDir);
  const trajectory = dataFiles.find((file) => file.includes(taskId) && file.endsWith('.tar.gz'));
  expect(trajectory).toBeDefined();
  for (const file of dataFiles) {
    if ((await stat(file)).size > 0) found.push(...(await scanFile(relative(dataDir, file), await readFile(file))));
  }
  // Reports wait in the outbox with their credentials: once delivered none is left, none rejected.
  const outbox = join(dataDir, 'worker-outbox', '0');
  expect(existsSync(outbox)).toBe(true);
  expect(dataFiles.filter((file) => file.startsWith(outbox))).toEqual([]);
  found.push(...(await scanReadApis(taskId)));
  return found;
}

/** The task's trajectory holds its step list, and no trace (it had secure parameters). */
async function expectNoTrace(taskId: string): Promise<void> {
  const trajectory = (await filesUnder(dataDir)).find((file) => file.includes(taskId) && file.endsWith('.tar.gz')) as string;
  const names = (await tarEntries(await readFile(trajectory))).map((entry) => entry.name);
  expect(names.some((name) => name.endsWith('steps.json'))).toBe(true);
  expect(names.filter((name) => name.endsWith('trace.zip'))).toEqual([]);
}

async function scanReadApis(taskId: string): Promise<Found[]> {
  const found: Found[] = [];

  // Every read answer of the control plane, and the dashboard signed in with the key.
  for (const path of ['/api/v1/tasks', `/api/v1/tasks/${taskId}`, '/api/v1/automations']) {
    const answer = await worker.controlPlane(path);
    expect(answer.status).toBe(200);
    found.push(...scan(`GET ${path}`, await answer.text()));
  }
  const login = await fetch(new URL('/dashboard/login', worker.controlPlaneUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: WORKER_TEST_API_KEY, next: '/dashboard' }).toString(),
    redirect: 'manual',
  });
  expect(login.status).toBe(303);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  found.push(...scan('dashboard sign-in cookie', login.headers.get('set-cookie') ?? ''));
  for (const path of ['/dashboard', '/dashboard/tasks.json', `/dashboard/tasks/${taskId}`]) {
    const answer = await fetch(new URL(path, worker.controlPlaneUrl), { headers: { cookie } });
    expect(answer.status, path).toBe(200);
    found.push(...scan(`GET ${path}`, await answer.text()));
  }

  return found;
}

type Received = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

let pages: PageServer;
let model: FakeLlmServer;
let worker: TestWorker;
let receiver: Server;
let receiverUrl: string;
const callbacks: Received[] = [];
let dataDir: string;
let secretsManager: Server;
/** What the Secrets Manager endpoint received: the SDK's requests from the task thread. */
const secretRequests: Received[] = [];
const stray: string[] = [];
const fetched: { url: string; headers: Headers; body: string }[] = [];
const taskIds: string[] = [];

beforeAll(async () => {
  // Anything written to stderr or the console outside the logger is an artefact too.
  for (const stream of [process.stderr, process.stdout]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      stray.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  // Every request the worker and the control plane make (reports, callbacks), with its body.
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? Buffer.from(await request.clone().arrayBuffer()).toString('latin1') : '';
    fetched.push({ url: request.url, headers: request.headers, body });
    return realFetch(request);
  });

  // Secrets Manager on 127.0.0.1 (its JSON 1.1 GetSecretValue), reached by the SDK in the task
  // thread through the environment that thread starts with: fake keys, no instance metadata.
  secretsManager = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      secretRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const known = req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue' && (JSON.parse(body) as { SecretId?: string }).SecretId === 'portal/login';
      res.writeHead(known ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(known ? { Name: 'portal/login', SecretString: AWS_SECRET_STRING } : { __type: 'ResourceNotFoundException', message: 'not found' }));
    });
  });
  await new Promise<void>((resolve) => secretsManager.listen(0, '127.0.0.1', resolve));
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      callbacks.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const loginPage = `<!doctype html><title>Portal</title><h1>Sign in</h1>
    <form method="post" action="/session">
      <label>User <input id="user" name="user"></label>
      <label>Password <input id="pass" name="pass" type="password"></label>
      <label>Code <input id="otp" name="otp"></label>
      <button id="go" type="submit">Sign in</button>
    </form>`;
  pages = await startPageServer(
    { '/login': loginPage, '/account': '<!doctype html><title>Account</title><h1>Account</h1><p>Balance: 12.00</p><input type="file" id="doc">' },
    {
      '/session': (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Welcome</title><h1>Welcome</h1>'),
      '/api/echo': (_req, res) => sendJson(res, 200, { ok: true }),
    },
  );
  model = await startFakeLlmServer();
  model.respond(() => ({ json: { heading: 'Sign in' } }));

  dataDir = await mkdtemp(join(tmpdir(), 'secret-hygiene-'));
  worker = await startTestWorker({
    DATA_DIR: dataDir,
    LLM_MODEL: 'openai/page-reader',
    LLM_MODEL_BASE_URL: model.baseUrl,
    LLM_MODEL_API_KEY: LLM_KEY,
    LLM_MAX_RETRIES: '0',
    CALLBACK_SIGNING_SECRET,
  });
  const aws = (key: string) => ({ amazon_secrets_manager: { secret_name: 'portal/login', region_name: 'eu-west-1', key } });
  const automation = recording(
    pages.url('/login'),
    [
      fillStep('locator("#user")', '{user[0]}'),
      fillStep('locator("#pass")', '{pw[0]}'),
      fillStep('locator("#otp")', '{otp[0]}'),
      // The model reads the page while a secret is visible in a text field.
      extractionStep({ llm: { source: ['axtree'], extraction_format: { heading: 'str' }, extraction_instructions: 'Read the heading' } }),
      clickStep('locator("#go")'),
      // A secret in a URL, then in an API call's header, query and body.
      interactionStep({ go_to_url: { url: pages.url('/account?token={pw[0]}') } }),
      extractionStep({
        api_call: { url: pages.url('/api/echo'), method: 'POST', headers: { 'x-token': '{pw[0]}' }, query_params: { code: '{otp[0]}' }, body: { password: '{pw[0]}', user: '{user[0]}' } },
      }),
      // A navigation that fails, its address holding a secret (the step goes on, as the original's).
      interactionStep({ go_to_url: { url: 'http://127.0.0.1:1/unreachable?token={pw[0]}' } }),
      interactionStep({ go_to_url: { url: pages.url('/account?token={pw[0]}') } }),
      // A loop whose iteration fails quoting a secret, and goes on: its status is reported.
      {
        type: 'for_loop_node',
        variable_name: 'ids',
        on_error_in_loop: 'continue',
        nodes: [interactionStep({ upload_file: { command: 'locator("#doc")', file_url: 'http://127.0.0.1:1/in-loop?token={pw[0]}' } })],
      },
      // A locator holding a secret that matches nothing, on an optional step: listed as skipped.
      clickStep('locator("#missing-{pw[0]}")', { skip_prompt: true }),
      // A fetch that fails, its address holding a secret: the step's error quotes the address.
      interactionStep({ upload_file: { command: 'locator("#doc")', file_url: 'http://127.0.0.1:1/unreachable?token={pw[0]}' } }),
    ],
    { ids: [] },
    { take_final_screenshot: true },
  );
  // The recording declares the secure parameters; each task brings its own values.
  await worker.writeRecording('portal', {
    ...automation,
    parameters: { input_parameters: { ids: [] }, generated_parameters: {}, secure_parameters: { user: [aws('username')], pw: [aws('password')], otp: [{ totp: { totp_secret: 'PLACEHOLDER' } }] } },
  });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await Promise.all([pages?.close(), model?.close(), new Promise((resolve) => receiver?.close(resolve)), new Promise((resolve) => secretsManager?.close(resolve))]);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await Promise.all(taskIds.map((id) => rm(join('/tmp/optexity', id), { recursive: true, force: true })));
});

describe('secrets stay secret through a whole task', () => {
  it('appear only in the page, the callback auth header and the model key header', async () => {
    const secure_parameters = {
      user: [{ amazon_secrets_manager: { secret_name: 'portal/login', region_name: 'eu-west-1', key: 'username' } }],
      pw: [{ amazon_secrets_manager: { secret_name: 'portal/login', region_name: 'eu-west-1', key: 'password' } }],
      otp: [{ totp: { totp_secret: TOTP_SECRET } }],
    };
    const response = await worker.worker('/inference', {
      method: 'POST',
      json: { endpoint_name: 'portal', input_parameters: { ids: ['one'] }, secure_parameters, task_callback_url: receiverUrl, task_callback_api_key: CALLBACK_API_KEY },
    });
    const accepted = (await response.json()) as { task_id: string };
    expect(response.status, JSON.stringify(accepted)).toBe(202);
    const { task_id: taskId } = accepted;
    taskIds.push(taskId);
    const task = await worker.waitForTask(taskId, 60_000);
    expect(task.status).toBe('failed');
    // The failing step's error quotes the address, with the secret in it masked.
    expect(String(task.error)).toContain('unreachable?token=********');

    // The callback arrives after complete_task; wait for it.
    for (let i = 0; i < 100 && callbacks.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(callbacks).toHaveLength(1);

    const found: Found[] = [];

    // The page legitimately got every typed or sent secret.
    const pageTraffic = pages.requests.map((r) => `${r.path}?${r.query.toString()} ${JSON.stringify(r.headers)} ${r.body}`).join('\n');
    expect(pageTraffic).toContain(encodeURIComponent(AWS_PASSWORD));
    expect(pageTraffic).toContain(AWS_USER);
    expect(pages.requests.find((r) => r.path === '/api/echo')?.headers['x-token']).toBe(AWS_PASSWORD);
    expect(pages.requests.find((r) => r.path === '/account')?.query.get('token')).toBe(AWS_PASSWORD);
    found.push(...scan('page server', pageTraffic, ['aws_password', 'aws_user']));

    // The callback: its own key in its header, the signature over the body, nothing in the body.
    const callback = callbacks[0] as Received;
    expect(callback.headers['x-api-key']).toBe(CALLBACK_API_KEY);
    const timestamp = String(callback.headers['x-signature-timestamp']);
    expect(callback.headers['x-signature-256']).toBe(`sha256=${createHmac('sha256', CALLBACK_SIGNING_SECRET).update(`${timestamp}.${callback.body}`).digest('hex')}`);
    found.push(...scan('callback body', callback.body));
    const { 'x-api-key': _key, ...otherHeaders } = callback.headers;
    found.push(...scan('callback headers', JSON.stringify(otherHeaders)));

    // The model: its key in Authorization only.
    expect(model.requests.length).toBeGreaterThan(0);
    // The user name typed in a visible field reached the model masked.
    expect(model.requests[0]?.userText).toContain('********');
    for (const [index, request] of model.requests.entries()) {
      expect(request.authorization).toBe(`Bearer ${LLM_KEY}`);
      found.push(...scan(`model request ${index}`, JSON.stringify(request.body)));
    }

    // Logs of the worker and of the control plane, and anything else written to the console.
    found.push(...scan('logs', worker.logs.map((line) => JSON.stringify(line)).join('\n')));
    found.push(...scan('stdout/stderr', stray.join('')));

    // The secret store: asked for the secret by its name only.
    expect(secretRequests.length).toBeGreaterThan(0);
    for (const [index, request] of secretRequests.entries()) {
      found.push(...scan(`secret store request ${index}`, `${request.url} ${JSON.stringify(request.headers)} ${request.body}`));
    }

    // What the worker and the control plane sent over HTTP from this thread (the task thread's
    // requests are read above, where they arrived: the pages, the model, the secret store). The
    // protocol carries some: the worker's key in x-api-key, the model key in Authorization, the
    // task's secure parameters and callback key in the inference request, the callback key in
    // initiate_callback.
    for (const request of fetched) {
      const path = new URL(request.url).pathname;
      const toModel = request.url.startsWith(model.baseUrl);
      const headers = [...request.headers.entries()].filter(
        ([name]) => name !== 'x-api-key' && !(toModel && name === 'authorization') && !(path === '/hook' && name.startsWith('x-signature')),
      );
      const toPage = request.url.startsWith(pages.url(""));
      const allowed = toPage ? ['aws_password', 'aws_user'] : path.endsWith('/initiate_callback') ? ['callback_api_key'] : path.endsWith('/inference') ? ['callback_api_key', 'totp_secret'] : [];
      found.push(...scan(`${request.url} body`, request.body, allowed));
      found.push(...scan(`${request.url} headers`, JSON.stringify(headers), toPage ? allowed : []));
      if (path === '/hook') expect(request.headers.get('x-api-key')).toBe(CALLBACK_API_KEY);
      else if (request.headers.has('x-api-key') && !request.url.startsWith(model.baseUrl)) expect(request.headers.get('x-api-key')).toBe(WORKER_TEST_API_KEY);
    }
    const completion = fetched.find((r) => r.url.endsWith('/complete_task'));
    expect(completion?.body).toContain('unreachable?token=********');
    expect(fetched.find((r) => r.url.endsWith('/save_output_data'))?.body).toContain('in-loop?token=********');

    // The task's local folder: every step file, the step list; no trace for a task with secrets.
    const taskDir = join('/tmp/optexity', taskId);
    const localFiles = await filesUnder(taskDir);
    const steps = JSON.parse(await readFile(join(taskDir, 'logs', 'steps.json'), 'utf8')) as { steps: { outcome: string; locator: string | null; url: string }[] };
    expect(steps.steps.find((step) => step.outcome === 'skipped')?.locator).toContain('#missing-');
    expect(steps.steps.map((step) => step.url)).toContain(pages.url('/account?token=********'));
    expect(localFiles.filter((file) => file.endsWith('trace.zip'))).toEqual([]);
    for (const file of localFiles) found.push(...(await scanFile(relative('/tmp/optexity', file), await readFile(file))));

    found.push(...(await scanControlPlane(taskId)));
    await expectNoTrace(taskId);

    expect(found).toEqual([]);
  }, 120_000);

  it('keep a callback\'s basic-auth credentials out of the control plane\'s records', async () => {
    await worker.writeRecording('blank', recording('about:blank', [], {}, { take_final_screenshot: false }));
    const response = await worker.worker('/inference', { method: 'POST', json: { endpoint_name: 'blank', input_parameters: {} } });
    const { task_id: taskId } = (await response.json()) as { task_id: string };
    taskIds.push(taskId);
    expect((await worker.waitForTask(taskId)).status).toBe('success');
    const before = callbacks.length;
    // The Dec-2025 route takes a callback object with basic-auth credentials.
    const put = await worker.controlPlane('/api/v1/callback', {
      method: 'PUT',
      json: { task_id: taskId, callback_url: { url: receiverUrl, username: BASIC_USER, password: BASIC_PASSWORD } },
    });
    expect(put.status).toBe(202);
    for (let i = 0; i < 100 && callbacks.length === before; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    const callback = callbacks[before] as Received;
    expect(callback.headers.authorization).toBe(`Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const found: Found[] = [];
    found.push(...scan('callback body', callback.body));
    found.push(...scan('logs', worker.logs.map((line) => JSON.stringify(line)).join('\n')));
    found.push(...scan('stdout/stderr', stray.join('')));
    found.push(...(await scanControlPlane(taskId)));
    expect(found).toEqual([]);
  }, 60_000);
});
