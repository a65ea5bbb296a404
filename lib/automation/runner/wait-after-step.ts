import type { BrowserContext, Page, Request } from 'playwright-core';
import type { PageSessions } from './page-sessions.js';
import { isTimeoutError, sleep } from './wait.js';

/**
 * What a step asked of its page: a navigation of the main frame (announced by the page while it
 * handled the input, or started by the browser as page.goto does) or a new window. Most steps
 * (fill, check, select, a click that only changes the page) ask for neither and owe no wait,
 * where the original pauses and checks for a page load after every interaction.
 */
export type StepWatch = {
  readonly page: Page;
  /** Resolves when the main frame commits a new document (never, when it does not). */
  readonly committed: Promise<void>;
  asked(): Promise<{ navigation: boolean; window: boolean }>;
  stop(): void;
};

/** A page that answers slower than this after a step is taken to be navigating. */
const SETTLE_MS = 25;

/**
 * What a page's main frame has done, counted by listeners added once per page: a step reads the
 * counts before and after it. (Adding and removing the listeners around every step costs
 * Playwright a subscription message each way.)
 */
type MainFrameActivity = { starts: number; commits: number; onCommit: Set<() => void> };
const activities = new WeakMap<Page, MainFrameActivity>();

function activityOf(page: Page): MainFrameActivity {
  const known = activities.get(page);
  if (known) return known;
  const activity: MainFrameActivity = { starts: 0, commits: 0, onCommit: new Set() };
  page.on('request', (request) => {
    if (request.isNavigationRequest() && frameOf(request) === page.mainFrame()) activity.starts += 1;
  });
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    activity.starts += 1;
    activity.commits += 1;
    for (const commit of activity.onCommit) commit();
  });
  activities.set(page, activity);
  return activity;
}

export function watchStep(page: Page, sessions: PageSessions): StepWatch {
  const before = sessions.signals(page);
  const activity = activityOf(page);
  const startsBefore = activity.starts;
  const started = () => activity.starts > startsBefore;
  let commit: () => void = () => {};
  const committed = new Promise<void>((resolve) => (commit = resolve));
  activity.onCommit.add(commit);
  let answer: Promise<{ navigation: boolean; window: boolean }> | undefined;
  const ask = async () => {
    // A page without its session may have asked for anything: wait for a load as the original
    // does (which never waits for a tab it was not told to expect).
    if (before === null) return { navigation: true, window: false };
    const seen = () => {
      const after = sessions.signals(page);
      return after === null ? null : { navigation: started() || after.navigations > before.navigations, window: after.windows > before.windows };
    };
    const first = seen();
    if (first === null) return { navigation: true, window: false };
    if (first.navigation || first.window) return first;
    // Nothing announced yet: a round trip makes sure nothing is still on its way.
    const answered = await sessions.settle(page, SETTLE_MS);
    const last = seen() ?? { navigation: true, window: false };
    return answered ? last : { ...last, navigation: true };
  };
  return {
    page,
    committed,
    // Asked once: the step may start the question early, and its wait reads the same answer.
    asked: () => (answer ??= ask()),
    stop() {
      activity.onCommit.delete(commit);
    },
  };
}

/** A service worker's request has no frame: Playwright throws rather than answer null. */
function frameOf(request: Request): ReturnType<Page['mainFrame']> | null {
  try {
    return request.frame();
  } catch {
    return null;
  }
}

/**
 * The original's end_sleep_time after a step: an upper bound on waiting for the page's load
 * event, not a fixed sleep, and only for a step that asked for a new page. A new window is given
 * the time to open; a navigation pauses at most 0.1 s for its document to commit (a slow
 * server's answer is not awaited: the next step's own waits find its elements), then the load
 * event is awaited.
 */
export async function waitAfterStep(context: BrowserContext, watch: StepWatch, seconds: number, signal?: AbortSignal): Promise<void> {
  if (seconds <= 0) return;
  const asked = await watch.asked();
  if (asked.window && lastPage(context) === watch.page) {
    await context.waitForEvent('page', { timeout: seconds * 1000 }).catch(() => {});
  }
  const page = lastPage(context);
  if (!page) return;
  // A step that opened a tab or closed one goes on on another page: its load is waited for.
  if (page !== watch.page) return sleepForPageToLoad(page, seconds, signal);
  if (asked.navigation) return sleepForPageToLoad(page, seconds, signal, watch.committed);
}

function lastPage(context: BrowserContext): Page | undefined {
  return context.pages().at(-1);
}

/** Waits at most `seconds` for the page's load event, after a pause of at most 0.1 s (or until `committed`). */
export async function sleepForPageToLoad(page: Page, seconds: number, signal?: AbortSignal, committed?: Promise<void>): Promise<void> {
  if (seconds <= 0) return;
  const started = performance.now();
  const pause = sleep(Math.min(0.1, seconds) * 1000, signal);
  await (committed ? Promise.race([pause, committed]) : pause);
  const rest = seconds * 1000 - (performance.now() - started);
  // A zero timeout means "no timeout" to Playwright: never pass one.
  if (rest < 1) return;
  try {
    await page.waitForLoadState('load', { timeout: rest });
  } catch (error) {
    if (!isTimeoutError(error) && !isClosedError(error)) throw error;
  }
}

export function isClosedError(error: unknown): boolean {
  return error instanceof Error && /closed|crashed/i.test(error.message);
}
