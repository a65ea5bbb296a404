import * as z from 'zod';
import { NotFoundError } from '../../errors.js';
import type { Route } from '../../http/node-server.js';
import { jsonResponse, rawResponse } from '../../http/responses.js';
import { attachmentDisposition } from '../../http/content-types.js';
import { exampleAccount, exampleReportCsv } from './example-data.js';
import { basePath, type ControlPlaneDeps, parseQuery, pathParameter, publicRoute } from './route-kit.js';
import { lookupStaticFile } from './static-files.js';

const AccountQuery = z.object({ user: z.string().trim().min(1, 'must not be empty').max(64) });
const REPORT_FILE = /^report-([a-z0-9]{1,16})\.csv$/;
// Example pages change while someone edits them; never let a browser keep an old copy.
const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * The offline example site under `/examples/`, without an API key: the static pages of
 * examples/pages/, the login example's account API and the reports example's CSV files.
 * The dynamic routes come first: the first matching route wins.
 */
export function exampleRoutes(deps: ControlPlaneDeps): Route[] {
  const examplesPath = basePath(deps.settings, '/examples');

  const serveStatic = async (urlPath: string, publicPath: string) => {
    const found = await lookupStaticFile(deps.examplesDir, urlPath);
    if (found.kind === 'directory') return rawResponse(301, '', 'text/plain; charset=utf-8', { location: `${publicPath}/`, ...NO_STORE });
    if (found.kind === 'missing') throw new NotFoundError('No such example page');
    return rawResponse(200, found.content, found.contentType, NO_STORE);
  };

  return [
    publicRoute(deps, { method: 'GET', path: `${examplesPath}/api/account` }, async (event) => {
      const { user } = parseQuery(event, AccountQuery);
      return jsonResponse(200, exampleAccount(user), NO_STORE);
    }),

    publicRoute(deps, { method: 'GET', path: `${examplesPath}/files/{filename}` }, async (event) => {
      const filename = pathParameter(event, 'filename');
      const id = REPORT_FILE.exec(filename)?.[1];
      const csv = id === undefined ? undefined : exampleReportCsv(id);
      if (csv === undefined) throw new NotFoundError('No such example report file');
      return rawResponse(200, csv, 'text/csv; charset=utf-8', { 'content-disposition': attachmentDisposition(filename), ...NO_STORE });
    }),

    publicRoute(deps, { method: 'GET', path: examplesPath }, async (event) =>
      event.rawPath.endsWith('/') ? serveStatic('', examplesPath) : rawResponse(301, '', 'text/plain; charset=utf-8', { location: `${examplesPath}/` }),
    ),

    publicRoute(deps, { method: 'GET', path: `${examplesPath}/{path+}` }, async (event) => {
      const urlPath = pathParameter(event, 'path');
      return serveStatic(urlPath, `${examplesPath}/${urlPath.replace(/\/+$/, '')}`);
    }),
  ];
}
