import { writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { KeyPressAction } from '../../../schemas/automation/locator-actions.js';
import type { CloseTabsUntilAction, DownloadUrlAsPdfAction, ScrollAction } from '../../../schemas/automation/page-actions.js';
import { downloadFileName, reserveFreePath } from '../downloads.js';
import { pdfFileName } from '../download-capture.js';
import { fetchFile } from './fetch-file.js';
import { requireFileName } from '../../limits/file-names.js';
import { currentPage, type RunState } from '../run-state.js';
import { isTimeoutError, sleep, withDeadline } from '../wait.js';
import { maskSecureValues } from '../mask-secure-values.js';
import { errorMessage } from '../../../errors.js';
import { requirePlaywrightKey } from './key-names.js';

const GOTO_TIMEOUT_MS = 10_000;
const GOTO_ATTEMPTS = 3;

/**
 * The original's go_to_url: 10 s per attempt, a timeout is accepted as "arrived" (slow pages
 * keep loading while the next step waits for its element), other errors are retried and then
 * logged. Navigation never fails the task; the next step finds out whether the page is usable.
 */
export async function goToUrl(state: RunState, url: string): Promise<void> {
  for (let attempt = 1; attempt <= GOTO_ATTEMPTS; attempt++) {
    try {
      await currentPage(state).goto(url, { timeout: GOTO_TIMEOUT_MS });
      state.navigationFailure = null;
      return;
    } catch (error) {
      if (isTimeoutError(error)) return;
      // The address (and the browser's error, which quotes it) may hold a secure value.
      state.logger.warn('navigation failed', { url: maskSecureValues(url, state.secure), attempt, error: maskSecureValues(errorMessage(error), state.secure) });
      // Navigation never fails the task (as in the original), but a later failure names it.
      state.navigationFailure = `opening ${url} failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}`;
      if (attempt < GOTO_ATTEMPTS) await sleep(attempt * 1000, state.signal);
    }
  }
}

export async function goBack(state: RunState): Promise<void> {
  try {
    await currentPage(state).goBack({ timeout: GOTO_TIMEOUT_MS });
  } catch (error) {
    if (!isTimeoutError(error)) throw error;
  }
}

const SCROLL_STEP_PX = 2000;
const SCROLL_PAUSE_MS = 300;
/** Scrolling "to the end" stops once the position has not moved this many times in a row. */
const SCROLL_STILL_LIMIT = 3;
const SCROLL_MAX_STEPS = 200;

/** How long a wheel event may wait for the page to take it. */
export const WHEEL_TIMEOUT_MS = 5_000;

export async function scroll(state: RunState, action: ScrollAction): Promise<void> {
  const page = currentPage(state);
  const sign = action.down ? 1 : -1;
  if (action.amount !== -1) {
    await wheel(page, sign * action.amount);
    return;
  }
  let still = 0;
  let last = await scrollY(page);
  for (let step = 0; step < SCROLL_MAX_STEPS && still < SCROLL_STILL_LIMIT; step++) {
    await wheel(page, sign * SCROLL_STEP_PX);
    await sleep(SCROLL_PAUSE_MS, state.signal);
    const now = await scrollY(page);
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

/**
 * One wheel event, bounded: Playwright waits for the page to acknowledge it, and a page replaced
 * by a navigation just then never does (the step after a navigating click may start before the
 * new page commits). Such a wheel is sent again once the new page has loaded.
 */
async function wheel(page: Page, deltaY: number): Promise<void> {
  // Null when the page has not answered in time; a late rejection is caught, never unhandled.
  const once = () =>
    withDeadline(
      page.mouse.wheel(0, deltaY).then(
        () => ({ failed: false as const }),
        (error: unknown) => ({ failed: true as const, error }),
      ),
      WHEEL_TIMEOUT_MS,
    );
  let outcome = await once();
  if (outcome === null) {
    await page.waitForLoadState('load', { timeout: WHEEL_TIMEOUT_MS }).catch(() => {});
    outcome = await once();
  }
  if (outcome === null) throw new Error(`scroll: the page did not take the scroll within ${WHEEL_TIMEOUT_MS / 1000} s`);
  if (outcome.failed) throw outcome.error;
}

function scrollY(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
}

/**
 * Brings a tab to the front. As in the original, later commands still run on the last tab:
 * recordings made there rely on it.
 */
export async function switchTab(state: RunState, tabIndex: number): Promise<void> {
  const pages = state.context.pages();
  // As the original: with a single tab there is nothing to switch to, whatever the index.
  if (pages.length === 1) return;
  const page = pages.at(tabIndex);
  if (!page) throw new Error(`switch_tab: there is no tab ${tabIndex} (${pages.length} open)`);
  await page.bringToFront();
}

export async function closeCurrentTab(state: RunState): Promise<void> {
  const pages = state.context.pages();
  if (pages.length > 1) await pages.at(-1)?.close();
}

export async function closeTabsUntil(state: RunState, action: CloseTabsUntilAction): Promise<void> {
  for (;;) {
    const pages = state.context.pages();
    const last = pages.at(-1);
    if (!last || pages.length <= 1) return;
    if (action.matching_url !== null && last.url().includes(action.matching_url)) return;
    if (action.tab_index !== null && pages.length === action.tab_index + 1) return;
    await last.close();
  }
}

/**
 * The original validates this action but never dispatches it (a no-op), so recordings replayed
 * there kept every tab open; later switch_tab and close_tabs_until indexes count on those tabs.
 */
export async function closeAllButLastTab(state: RunState): Promise<void> {
  state.logger.info('close_all_but_last_tab does nothing, as in the original', { step_index: state.stepIndex });
}

export async function keyPress(state: RunState, action: KeyPressAction): Promise<void> {
  const keys = typeof action.type === 'string' ? [action.type] : action.type;
  const page = currentPage(state);
  for (const key of keys) await page.keyboard.press(requirePlaywrightKey(key));
}

/**
 * Fetches a URL (the current page's when none is recorded) with the page's cookies into
 * downloads/. An API request, not a page load: DownloadCapture never sees it, so it is saved once.
 */
export async function downloadUrlAsPdf(state: RunState, action: DownloadUrlAsPdfAction): Promise<void> {
  const url = action.url ?? currentPage(state).url();
  requireFileName(action.download_filename, `${state.nodePath}: download_filename`);
  const { response, body } = await fetchFile(state, url, 'download_url_as_pdf');
  // The original fails the step rather than keep an empty file as the task's download.
  if (body.length === 0) throw new Error(`download_url_as_pdf: ${url} answered an empty body`);
  // Named as every other download: an automatic (uuid) name gives way to the server's file name,
  // a requested name without an extension takes the file's.
  const name = downloadFileName(action.download_filename, pdfFileName(response.headers(), url));
  const target = await reserveFreePath(state.paths.downloadsDirectory, name);
  await writeFile(target, body);
}
