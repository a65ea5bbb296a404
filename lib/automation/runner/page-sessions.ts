import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Logger } from '../../log/logger.js';
import { withDeadline } from './wait.js';

/**
 * A DevTools session of our own on every page of a run, for two things Playwright does not
 * offer cheaply:
 * - the latest frame each page painted (Chromium's screencast). A step's screenshot is the frame
 *   on screen when the step began: it costs the step nothing, where a screenshot per step
 *   (capture and PNG encoding of the whole viewport) costs more than most steps. Frames are PNG
 *   at half the viewport's size and can lag the page by one paint; the final step still takes
 *   a full-page screenshot.
 * - what a step's action asked of the page: a navigation of its main frame or a new window.
 *   The page announces both while it handles the input, but the announcement can arrive after
 *   the action's own call has returned (a third of the time, measured); a round trip on the
 *   same session (`settle`) makes sure it is in. A step that asked for neither owes no wait.
 */
export type PageSessions = {
  /**
   * The page's latest frame as PNG; a page that has painted none yet (just opened) is given up
   * to `waitMs` for its first. Null when none came.
   */
  latestFrame(page: Page, waitMs: number): Promise<Buffer | null>;
  /**
   * Resolves once the page's session knows its main frame (or could not be opened), at most
   * `ms`: a page's session opens while its first document loads, and until it is open what the
   * page asks for is unknown (signals answers null).
   */
  ready(page: Page, ms: number): Promise<void>;
  /** How many main-frame navigations and new windows the page has asked for so far; null: unknown (no session). */
  signals(page: Page): PageSignals | null;
  /**
   * One round trip to the page on this session: what the page announced before it arrives
   * first. False when no answer came within `ms`: Chromium holds a page's DevTools commands
   * while a navigation of it is under way, so a page that does not answer is navigating (or
   * busy).
   */
  settle(page: Page, ms: number): Promise<boolean>;
  /**
   * The title of the page's current document, as the browser holds it (no round trip to the
   * page, so a page busy with a navigation still answers with the page it is leaving). Null
   * when the page has no session.
   */
  title(page: Page): Promise<string | null>;
  stop(): Promise<void>;
};

export type PageSignals = { navigations: number; windows: number };

const FRAME_SIZE = { maxWidth: 960, maxHeight: 540 };

type Watched = { session: CDPSession; frame: string | null; firstFrame: Promise<void>; signals: PageSignals; mainFrameId: string | null };

/**
 * Opens the session of every page the context has and opens; a page without one just has no
 * frames. Without `screencast` (step screenshots off) no page is cast and none has frames.
 */
export function startPageSessions(context: BrowserContext, logger: Logger, options: { screencast: boolean } = { screencast: true }): PageSessions {
  const pages = new Map<Page, Watched>();
  /** Each page's session until it knows the main frame (or failed to open). */
  const opening = new Map<Page, Promise<void>>();
  let stopped = false;
  const watch = (page: Page) => {
    let known = () => {};
    opening.set(page, new Promise<void>((resolve) => (known = resolve)));
    page.once('close', () => opening.delete(page));
    void open(page).finally(known);
  };
  const open = async (page: Page) => {
    try {
      const session = await context.newCDPSession(page);
      let painted = () => {};
      const entry: Watched = { session, frame: null, firstFrame: new Promise((resolve) => (painted = resolve)), signals: { navigations: 0, windows: 0 }, mainFrameId: null };
      session.on('Page.screencastFrame', (event) => {
        // Kept as the base64 it arrives in: only the frames a step uses are ever decoded.
        entry.frame = event.data;
        painted();
        // Chromium sends the next frame only once this one is acknowledged.
        session.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => {});
      });
      session.on('Page.frameRequestedNavigation', (event) => {
        if (event.frameId === entry.mainFrameId) entry.signals.navigations += 1;
      });
      session.on('Page.windowOpen', () => void (entry.signals.windows += 1));
      if (stopped || page.isClosed()) return void session.detach().catch(() => {});
      pages.set(page, entry);
      page.once('close', () => pages.delete(page));
      await session.send('Page.enable');
      entry.mainFrameId = (await session.send('Page.getFrameTree')).frameTree.frame.id;
      opening.delete(page);
      if (options.screencast) await session.send('Page.startScreencast', { format: 'png', ...FRAME_SIZE });
    } catch (error) {
      if (!page.isClosed()) logger.debug('no DevTools session for a page: its steps take screenshots and wait after each action', { error });
      pages.delete(page);
    }
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return {
    async ready(page, ms) {
      const known = opening.get(page);
      if (known) await withDeadline(known, ms);
    },
    async latestFrame(page, waitMs) {
      const entry = pages.get(page);
      if (!entry || !options.screencast) return null;
      if (entry.frame === null) await withDeadline(entry.firstFrame, waitMs);
      return entry.frame === null ? null : Buffer.from(entry.frame, 'base64');
    },
    signals(page) {
      // Until the session knows the main frame (a page just opened), what it asks for is unknown.
      const entry = pages.get(page);
      return entry && entry.mainFrameId !== null ? { ...entry.signals } : null;
    },
    async settle(page, ms) {
      const entry = pages.get(page);
      if (!entry) return false;
      const answered = entry.session.send('Runtime.getIsolateId').then(
        () => true,
        () => true,
      );
      return (await withDeadline(answered, ms)) === true;
    },
    async title(page) {
      const entry = pages.get(page);
      if (!entry) return null;
      try {
        const history = await entry.session.send('Page.getNavigationHistory');
        return history.entries[history.currentIndex]?.title ?? null;
      } catch {
        return null;
      }
    },
    async stop() {
      stopped = true;
      const sessions = [...pages.values()].map(({ session }) => session.detach().catch(() => {}));
      pages.clear();
      opening.clear();
      await Promise.all(sessions);
    },
  };
}
