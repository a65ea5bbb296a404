import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the control plane received it; multipart bodies are split into their parts. */
export type ReceivedRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
  /** A file part keeps its bytes (`content`), for tests that open what was uploaded. */
  parts: { name: string; filename: string | null; type: string | null; size: number; content?: Buffer }[];
  bytes: number;
};

/**
 * A control plane written from the protocol's documentation (not from this project's embedded
 * one), for contract tests: it answers each documented call the way the reference describes,
 * records every request, and can be told to drop the connection of chosen calls.
 */
export async function startFakeControlPlane(options: { automation: Record<string, unknown>; apiKey: string }) {
  const received: ReceivedRequest[] = [];
  let refuse: (path: string) => boolean = () => false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (refuse(url.pathname)) {
          req.socket.destroy();
          return;
        }
        const body = Buffer.concat(chunks);
        const type = req.headers['content-type'] ?? '';
        const record: ReceivedRequest = { method: req.method ?? '', path: url.pathname, headers: req.headers, json: undefined, parts: [], bytes: body.length };
        if (type.startsWith('application/json')) record.json = JSON.parse(body.toString('utf8'));
        if (type.startsWith('multipart/form-data')) {
          const form = await new Response(body, { headers: { 'content-type': type } }).formData();
          for (const [name, value] of form.entries()) {
            if (typeof value === 'string') record.parts.push({ name, filename: null, type: null, size: value.length });
            else record.parts.push({ name, filename: value.name, type: value.type, size: value.size, content: Buffer.from(await value.arrayBuffer()) });
          }
        }
        received.push(record);
        const send = (status: number, answer: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        if (url.pathname === '/api/v1/inference') {
          const request = record.json as Record<string, unknown>;
          const task = {
            task_id: randomUUID(),
            user_id: 'user-1',
            recording_id: 'rec-1',
            endpoint_name: request.endpoint_name,
            automation: options.automation,
            input_parameters: request.input_parameters,
            secure_parameters: request.secure_parameters ?? {},
            unique_parameter_names: request.unique_parameter_names ?? [],
            created_at: new Date().toISOString(),
            status: 'queued',
            api_key: options.apiKey,
            max_timeout_in_minutes: request.max_timeout_in_minutes,
            task_callback_url: request.task_callback_url ?? null,
            task_callback_api_key: request.task_callback_api_key ?? null,
          };
          // The documented answer holds the Task as a JSON string.
          send(200, { task: JSON.stringify(task) });
        } else if (url.pathname === '/api/v1/recording/rec-1') {
          send(200, { automation: options.automation, callback_url: null });
        } else if (url.pathname === '/api/v1/request_download_upload_urls') {
          const { task_id, filenames } = record.json as { task_id: string; filenames: string[] };
          const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
          send(200, { uploads: filenames.map((filename) => ({ filename, upload_url: `${base}/bucket/${task_id}/${encodeURIComponent(filename)}?X-Signature=abc`, content_type: filename.endsWith('.png') ? 'image/png' : 'application/octet-stream' })) });
        } else if (url.pathname.startsWith('/bucket/')) {
          res.writeHead(200).end();
        } else {
          send(200, { success: true });
        }
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Drop the connection of every request whose path `match` accepts (a control plane that is down for those). */
    refuseWhere(match: (path: string) => boolean) {
      refuse = match;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
