import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { InteractionAction } from '../../../schemas/automation/interaction-action.js';
import type { UploadFileAction } from '../../../schemas/automation/locator-actions.js';
import { safeFileName } from '../downloads.js';
import type { RunState } from '../run-state.js';
import { agentUnavailable } from '../step-needs.js';
import { fileLimits } from '../file-limits.js';
import { fetchFile } from './fetch-file.js';
import { resolveUploadPath } from './upload-path.js';
import { check, clickElement, hover, inputText, selectOption, uncheck, uploadFile } from './element-actions.js';
import {
  closeAllButLastTab,
  closeCurrentTab,
  closeTabsUntil,
  downloadUrlAsPdf,
  goBack,
  goToUrl,
  keyPress,
  scroll,
  switchTab,
} from './page-actions.js';

/** Runs the one sub-action of an interaction_action (already substituted). */
export async function runInteraction(state: RunState, action: InteractionAction): Promise<void> {
  const tries = { maxTries: action.max_tries, timeoutSeconds: action.max_timeout_seconds_per_try };
  if (action.click_element) return clickElement(state, action.click_element, tries);
  if (action.input_text) return inputText(state, action.input_text, tries);
  if (action.select_option) return selectOption(state, action.select_option, tries);
  if (action.check) return check(state, action.check, tries);
  if (action.uncheck) return uncheck(state, action.uncheck, tries);
  if (action.hover) return hover(state, action.hover, tries);
  if (action.upload_file) return runUpload(state, action.upload_file, tries);
  if (action.go_to_url) return goToUrl(state, action.go_to_url.url);
  if (action.go_back) return goBack(state);
  if (action.scroll) return scroll(state, action.scroll);
  if (action.switch_tab) return switchTab(state, action.switch_tab.tab_index);
  if (action.close_current_tab) return closeCurrentTab(state);
  if (action.close_tabs_until) return closeTabsUntil(state, action.close_tabs_until);
  if (action.close_all_but_last_tab) return closeAllButLastTab(state);
  if (action.key_press) return keyPress(state, action.key_press);
  if (action.download_url_as_pdf) return downloadUrlAsPdf(state, action.download_url_as_pdf);
  if (action.agentic_task) throw agentUnavailable(state, 'interaction_action.agentic_task');
  if (action.close_overlay_popup) throw agentUnavailable(state, 'interaction_action.close_overlay_popup');
  throw new Error(`${state.nodePath}: this interaction_action is not supported by this worker`);
}

const UPLOAD_COPY_PREFIX = 'upload-';

/**
 * A `file_url` is fetched into a temporary file for the upload. The page reads a chosen file
 * when its script asks for it, which may be after the step: the copies are removed when the
 * run ends (removeUploadCopies).
 */
async function runUpload(state: RunState, action: UploadFileAction, tries: { maxTries: number; timeoutSeconds: number }): Promise<void> {
  if (action.file_path) return uploadFile(state, action, tries, await resolveUploadPath(action.file_path, fileLimits(state.services).uploadFilesDir));
  const url = action.file_url ?? '';
  if (!/^https?:\/\//i.test(url)) throw new Error('upload_file: file_url must be an http(s) URL');
  const { response, body } = await fetchFile(state, url, 'upload_file');
  const dir = await mkdtemp(join(state.paths.taskDirectory, UPLOAD_COPY_PREFIX));
  const file = join(dir, uploadFileName(url, response.headers()));
  await writeFile(file, body);
  await uploadFile(state, action, tries, file);
}

/** Removes the copies of fetched uploads; called once the run's browser context is closed. */
export async function removeUploadCopies(taskDirectory: string): Promise<void> {
  const names = await readdir(taskDirectory).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.startsWith(UPLOAD_COPY_PREFIX)).map((name) => rm(join(taskDirectory, name), { recursive: true, force: true })));
}

/** For a served file whose URL and headers name no extension; upload forms often check it. */
const EXTENSION_OF_TYPE: Readonly<Record<string, string>> = {
  'application/pdf': '.pdf',
  'application/json': '.json',
  'application/zip': '.zip',
  'application/msword': '.doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.ms-excel': '.xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'text/plain': '.txt',
  'text/csv': '.csv',
};

/**
 * The name the page sees for a `file_url` upload: the URL's last segment, with the extension
 * the original derives when that segment has none: from the content-disposition filename,
 * else from the content type.
 */
function uploadFileName(url: string, headers: Record<string, string>): string {
  const name = safeFileName(decodePath(new URL(url).pathname.split('/').at(-1) ?? ''), 'upload');
  if (extname(name) !== '') return name;
  const disposition = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(headers['content-disposition'] ?? '')?.[1];
  const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const extension = (disposition === undefined ? '' : extname(decodePath(disposition))) || EXTENSION_OF_TYPE[contentType] || '';
  return `${name}${extension}`;
}

/** Python's unquote never fails on a stray `%`; decodeURIComponent would throw. */
function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
