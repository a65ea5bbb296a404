import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking OpenAI's Chat Completions protocol (`POST /v1/chat/completions`),
 * answering from a script. The worker's client never asks for a streamed answer (`stream: true`
 * is answered with a 400, so a change that starts streaming is noticed). Requests are kept so tests can
 * check what the model was shown. A request with no scripted answer gets a 500 naming it, so a
 * call nobody expected fails the test instead of passing by luck.
 */
export type ScriptedReply = {
  /** The answer: serialised as the message content. */
  json?: unknown;
  /** Raw message content, for answers that are not JSON. */
  text?: string;
  /** An HTTP error instead of an answer (OpenAI's error body). */
  status?: number;
  delayMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number; reasoning_tokens?: number };
};

export type LlmRequestRecord = {
  path: string;
  authorization: string | undefined;
  body: ChatBody;
  model: string;
  system: string;
  /** The user message's text parts, joined. */
  userText: string;
  images: string[];
  files: { filename: string | undefined; data: string }[];
  responseFormat: { type: string; json_schema?: { name?: string; schema: Record<string, unknown>; strict?: boolean } } | undefined;
};

type ContentPart = { type: string; text?: string; image_url?: { url: string }; file?: { filename?: string; file_data: string } };
type ChatBody = {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string | ContentPart[] }[];
  response_format?: LlmRequestRecord['responseFormat'];
};

export type Responder = (request: LlmRequestRecord) => ScriptedReply | undefined;

export type FakeLlmServer = {
  /** The base URL to configure (`LLM_MODEL_BASE_URL`), ending in `/v1`. */
  baseUrl: string;
  requests: LlmRequestRecord[];
  /** Queues answers, used in order before the responder. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Answers whatever the queue does not; may return undefined for "nothing scripted". */
  respond(responder: Responder): void;
  close(): Promise<void>;
};

const DEFAULT_USAGE = { prompt_tokens: 100, completion_tokens: 10 };

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const queue: ScriptedReply[] = [];
  const requests: LlmRequestRecord[] = [];
  let responder: Responder = () => undefined;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: String(error), type: 'server_error' } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      return;
    }
    const body = JSON.parse(raw) as ChatBody;
    if (body.stream) {
      send(res, 400, { error: { message: 'this server does not stream', type: 'invalid_request_error' } });
      return;
    }
    const record = toRecord(req, body);
    requests.push(record);
    const reply = queue.shift() ?? responder(record);
    if (!reply) {
      send(res, 500, { error: { message: `no scripted reply for request ${requests.length}`, type: 'server_error' } });
      return;
    }
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.status && reply.status >= 400) {
      send(res, reply.status, { error: { message: `scripted error ${reply.status}`, type: 'server_error', code: null } });
      return;
    }
    const content = reply.text ?? JSON.stringify(reply.json ?? null);
    const usage: NonNullable<ScriptedReply['usage']> = reply.usage ?? DEFAULT_USAGE;
    const usageBody = {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens ?? 0 },
    };
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    send(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: usageBody,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    respond: (next) => void (responder = next),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function toRecord(req: IncomingMessage, body: ChatBody): LlmRequestRecord {
  const system = body.messages
    .filter((m) => m.role === 'system')
    .map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join('')))
    .join('\n');
  const parts = body.messages.filter((m) => m.role === 'user').flatMap((m) => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content));
  return {
    path: req.url ?? '',
    authorization: req.headers.authorization,
    body,
    model: body.model,
    system,
    userText: parts.filter((p) => p.type === 'text').map((p) => p.text ?? '').join('\n'),
    images: parts.filter((p) => p.type === 'image_url').map((p) => p.image_url?.url ?? ''),
    files: parts.filter((p) => p.type === 'file').map((p) => ({ filename: p.file?.filename, data: p.file?.file_data ?? '' })),
    responseFormat: body.response_format,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The index the snapshot shows for the first element line matching `pattern`, as a model would
 * read it: lines look like `[12] button "Sign in"`.
 */
export function snapshotIndexOf(snapshotText: string, pattern: RegExp): number {
  for (const line of snapshotText.split('\n')) {
    const match = /^\s*\[(\d+)\]</.exec(line);
    if (match && pattern.test(line)) return Number(match[1]);
  }
  throw new Error(`no element line matches ${pattern} in the snapshot:\n${snapshotText.slice(0, 2000)}`);
}
