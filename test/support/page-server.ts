import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = { method: string; path: string; query: URLSearchParams; body: string; headers: IncomingMessage['headers'] };
export type PageRoute = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export type PageServer = {
  url: (path: string) => string;
  /** Every request the server saw, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
};

/**
 * A real HTTP server on 127.0.0.1 for test pages: `pages` maps a path to HTML, `routes` to a
 * handler. Requests are recorded so tests can check what a form really submitted.
 */
export async function startPageServer(pages: Record<string, string>, routes: Record<string, PageRoute> = {}): Promise<PageServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      requests.push(recorded);
      const route = routes[url.pathname];
      if (route) {
        Promise.resolve(route(recorded, res)).catch(() => res.destroy());
        return;
      }
      const html = pages[url.pathname];
      if (html === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
