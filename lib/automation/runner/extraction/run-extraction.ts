import { writeFile } from 'node:fs/promises';
import type { ExtractionAction } from '../../../schemas/automation/extraction-action.js';
import type { LocatorExtraction, NetworkCallExtraction, ScreenshotExtraction } from '../../../schemas/automation/extraction-sub-actions.js';
import { reserveFreePath, safeFileName } from '../downloads.js';
import { requireFileName } from '../../limits/file-names.js';
import type { NetworkCall } from '../network-log.js';
import { resolveLocator } from '../resolve-locator.js';
import { currentPage, variableSources, type RunState } from '../run-state.js';
import { readLocatorValueWithLlm } from './locator-llm-fallback.js';
import { runLlmExtraction } from './llm-extraction.js';
import { runPdfExtraction } from './pdf-extraction.js';
import { runTwoFaExtraction } from './run-two-fa.js';
import { runApiCall } from './api-call.js';
import { containsNull } from './contains-null.js';
import { withDeadline } from '../wait.js';

/** How long a network_call extraction waits for response bodies still being read. */
const BODY_WAIT_MS = 10_000;
const LOCATOR_TEXT_TIMEOUT_MS = 5_000;
/** How long a network_call extraction waits for its first matching call to happen. */
const FIRST_CALL_WAIT_MS = 5_000;

/** Runs the one sub-action of an extraction_action (already substituted). */
export async function runExtraction(state: RunState, action: ExtractionAction): Promise<void> {
  const before = new Map(Object.entries(state.generated));
  const uniqueIdentifier = action.unique_identifier;
  let fallbackFailure: string | null = null;
  if (action.network_call) await extractNetworkCalls(state, action.network_call, uniqueIdentifier);
  else if (action.screenshot) await extractScreenshot(state, action.screenshot, uniqueIdentifier);
  else if (action.state) await extractState(state, uniqueIdentifier);
  else if (action.locator) fallbackFailure = await extractLocatorText(state, action.locator, uniqueIdentifier);
  // The original leaves api_call results out of the null check: an error result holds nulls.
  else if (action.api_call) return runApiCall(state, action.api_call, uniqueIdentifier);
  else if (action.llm) await runLlmExtraction(state, action.llm, { what: 'extraction_action.llm', uniqueIdentifier });
  else if (action.pdf) await runPdfExtraction(state, action.pdf);
  else if (action.two_fa_action) await runTwoFaExtraction(state, action.two_fa_action);
  else throw new Error(`${state.nodePath}: this extraction_action is not supported by this worker`);
  if (!action.allow_none) rejectNewNulls(state, before, fallbackFailure);
}

/**
 * The original fails the node when a variable it (re)wrote holds a null anywhere inside. When a
 * locator's LLM fallback failed, its reason is added: that is why the value is missing.
 */
function rejectNewNulls(state: RunState, before: Map<string, unknown>, fallbackFailure: string | null): void {
  for (const [name, value] of Object.entries(state.generated)) {
    if (before.get(name) === value) continue;
    if (containsNull(value)) {
      const why = fallbackFailure === null ? '' : ` (the LLM fallback failed: ${fallbackFailure})`;
      throw new Error(`Extraction produced null value(s) in variable '${name}' and allow_none is False${why}`);
    }
  }
}

async function extractNetworkCalls(state: RunState, action: NetworkCallExtraction, uniqueIdentifier: string | null): Promise<void> {
  // The original sleeps 3 s before every extraction so the calls have time to finish; waiting
  // for the first matching call answers as soon as it is there.
  if (action.extract_from !== null) await state.network.waitFor(action.url_pattern, action.extract_from, FIRST_CALL_WAIT_MS);
  for (const call of state.network.matching(action.url_pattern)) {
    if (action.download_from === 'request' && call.kind === 'request') await downloadRequest(state, call, action.download_filename);
    if (action.extract_from !== call.kind) continue;
    const body = await withDeadline(call.body, BODY_WAIT_MS);
    state.outputData.push({ unique_identifier: uniqueIdentifier, json_data: { body } });
  }
}

/** Replays a recorded request with the context's cookies and keeps the answer as a download. */
async function downloadRequest(state: RunState, call: NetworkCall, filename: string | null): Promise<void> {
  if (filename !== null) requireFileName(filename, `${state.nodePath}: download_filename`);
  try {
    const body = await call.body;
    const response = await state.context.request.fetch(call.url, {
      method: call.method,
      headers: call.headers,
      data: typeof body === 'string' ? body : body === null ? undefined : JSON.stringify(body),
      timeout: state.downloadTimeoutMs,
    });
    if (!response.ok()) throw new Error(`answered ${response.status()}`);
    const fallback = safeFileName(new URL(call.url).pathname.split('/').at(-1) ?? '', 'download');
    const target = await reserveFreePath(state.paths.downloadsDirectory, safeFileName(filename ?? fallback, fallback));
    await writeFile(target, await response.body());
  } catch (error) {
    // As in the original, a failed replay is logged and the step goes on.
    state.logger.error('network_call download failed', { url: call.url, error });
  }
}

async function extractScreenshot(state: RunState, action: ScreenshotExtraction, uniqueIdentifier: string | null): Promise<void> {
  requireFileName(action.filename, `${state.nodePath}: screenshot.filename`);
  const image = await currentPage(state).screenshot({ fullPage: action.full_page, type: 'png' });
  state.outputData.push({ unique_identifier: uniqueIdentifier, screenshot: { filename: action.filename, base64: image.toString('base64') } });
}

type PageStorage = { page_url: string; page_title: string; local_storage: Record<string, string>; session_storage: Record<string, string>; document_cookie: string };

async function extractState(state: RunState, uniqueIdentifier: string | null): Promise<void> {
  const page = currentPage(state);
  // Runs in the page; typed structurally because this project compiles without the DOM lib.
  const storage = await page.evaluate((): PageStorage => {
    type StorageLike = { length: number; key(i: number): string | null; getItem(k: string): string | null };
    const g = globalThis as unknown as { location: { href: string }; document: { title: string; cookie: string }; localStorage: StorageLike; sessionStorage: StorageLike };
    const dump = (s: StorageLike) => {
      const out: Record<string, string> = {};
      for (let i = 0; i < s.length; i++) {
        const key = s.key(i);
        if (key !== null) out[key] = s.getItem(key) ?? '';
      }
      return out;
    };
    return { page_url: g.location.href, page_title: g.document.title, local_storage: dump(g.localStorage), session_storage: dump(g.sessionStorage), document_cookie: g.document.cookie };
  });
  const cookies = await state.context.cookies();
  state.outputData.push({ unique_identifier: uniqueIdentifier, json_data: { ...storage, cookies } });
}

/**
 * The element's text; when there is none and the step has extraction_instructions, the model
 * reads the value off the page instead, as the original. A failed fallback leaves the value
 * null (the null check then fails the step unless allow_none) and its reason is returned.
 */
async function extractLocatorText(state: RunState, action: LocatorExtraction, uniqueIdentifier: string | null): Promise<string | null> {
  // Baked at load time (bake-output-names.ts), so never null here.
  const name = action.output_variable_name ?? `node${state.stepIndex}_output`;
  let value: unknown = null;
  try {
    const locator = resolveLocator(currentPage(state), action.command, variableSources(state));
    value = (await locator.first().innerText({ timeout: LOCATOR_TEXT_TIMEOUT_MS })).trim();
    state.generated[name] = [value];
  } catch (error) {
    state.logger.warn('locator extraction found no text', { step_index: state.stepIndex, variable: name, error });
    state.generated[name] = [null];
  }
  let fallbackFailure: string | null = null;
  if (value === null && action.extraction_instructions !== null) {
    try {
      value = await readLocatorValueWithLlm(state, action, name);
    } catch (error) {
      fallbackFailure = error instanceof Error ? error.message : String(error);
      state.logger.warn('locator extraction LLM fallback failed', { step_index: state.stepIndex, variable: name, error });
    }
  }
  state.outputData.push({ unique_identifier: uniqueIdentifier, json_data: { [name]: value } });
  return fallbackFailure;
}
