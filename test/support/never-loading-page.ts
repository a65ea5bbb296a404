import type { ServerResponse } from 'node:http';
import type { PageRoute } from './page-server.js';

/**
 * A page whose load event never comes: headers and a first chunk, then nothing. Each response
 * is kept in `held` for the test to destroy when it ends.
 */
export function neverLoadingPage(held: ServerResponse[]): PageRoute {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).write('<!doctype html><title>Never</title><p>loading');
    held.push(res);
  };
}
