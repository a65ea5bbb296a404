import type { Settings } from '../../lib/config/settings.js';
import { errorMessage } from '../../lib/errors.js';

/** The control plane could not be asked, or refused: the message says which, naming the URL. */
export class ControlPlaneReadError extends Error {
  override readonly name = 'ControlPlaneReadError';
}

/**
 * GET one of the control plane's read routes (`api/v1/tasks…`) at SERVER_URL with the API key,
 * resolved as the worker's client resolves endpoints, within CONTROL_PLANE_TIMEOUT_SECONDS.
 */
export async function readControlPlane(settings: Pick<Settings, 'SERVER_URL' | 'API_KEY' | 'CONTROL_PLANE_TIMEOUT_SECONDS'>, path: string): Promise<unknown> {
  const url = new URL(path, settings.SERVER_URL);
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'x-api-key': settings.API_KEY, accept: 'application/json' }, signal: AbortSignal.timeout(settings.CONTROL_PLANE_TIMEOUT_SECONDS * 1000) });
  } catch (error) {
    const cause = error instanceof Error && error.cause ? errorMessage(error.cause) : errorMessage(error);
    throw new ControlPlaneReadError(
      `Cannot reach the control plane at ${settings.SERVER_URL} (${cause}). Is it running? Start it with "optexity-worker serve" or "npm run control-plane", or set SERVER_URL.`,
    );
  }
  const text = await response.text();
  if (!response.ok) throw new ControlPlaneReadError(`The control plane answered ${response.status} to GET ${url.pathname}: ${messageOf(text)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlPlaneReadError(`The control plane answered GET ${url.pathname} with something that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** The `error`/`message` of a JSON error body, else the body itself. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const message = body.error ?? body.message ?? body.detail;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the text says it.
  }
  return text.slice(0, 200) || '(empty body)';
}
