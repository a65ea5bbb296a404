import type { APIResponse } from 'playwright-core';
import { fileLimits } from '../file-limits.js';
import type { RunState } from '../run-state.js';

/**
 * GETs a file a recording points at (upload_file.file_url, download_url_as_pdf) with the page's
 * cookies, within FILE_FETCH_TIMEOUT_SECONDS and FILE_FETCH_MAX_BYTES. A declared length above
 * the limit fails before the body is read; an undeclared one is checked once it has arrived.
 */
export async function fetchFile(state: RunState, url: string, what: string): Promise<{ response: APIResponse; body: Buffer }> {
  const limits = fileLimits(state.services);
  const response = await state.context.request.get(url, { timeout: limits.fetchTimeoutMs }).catch((error: unknown) => {
    throw new Error(`${what}: fetching ${url} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  });
  if (!response.ok()) throw new Error(`${what}: ${url} answered ${response.status()}`);
  const declared = Number(response.headers()['content-length']);
  if (Number.isFinite(declared) && declared > limits.fetchMaxBytes) {
    await response.dispose();
    throw tooLarge(what, url, declared, limits.fetchMaxBytes);
  }
  const body = await response.body();
  if (body.length > limits.fetchMaxBytes) throw tooLarge(what, url, body.length, limits.fetchMaxBytes);
  return { response, body };
}

function tooLarge(what: string, url: string, bytes: number, max: number): Error {
  return new Error(`${what}: ${url} is ${bytes} bytes, above the limit of ${max} bytes (FILE_FETCH_MAX_BYTES)`);
}
