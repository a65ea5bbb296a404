import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { BrowserClosedError } from '../browser/browser-closed-error.js';
import { findChildWithArgument, killProcessGroup } from '../browser/browser-process.js';
import { resolveChromiumExecutable, type ChromiumExecutable } from '../browser/chromium-executable.js';

/**
 * The browser a task runs in. `lost` aborts (with a BrowserClosedError) if the browser goes away
 * without the provider closing it: a crash, or its process killed.
 */
export type BrowserLease = { browser: Browser; lost: AbortSignal };

export type BrowserProvider = {
  /** The warm browser, launched on first use and relaunched when it has died or was recycled. */
  acquire(): Promise<BrowserLease>;
  /** Closes the current browser (killing it if it does not close in time); the next acquire relaunches. */
  recycle(): Promise<void>;
  close(): Promise<void>;
};

/** Chromium can take a while on a cold, busy machine; a hung launch must still end. */
const LAUNCH_TIMEOUT_MS = 60_000;
/** A browser that does not close within this is killed: a recycle must never hang the worker. */
const CLOSE_DEADLINE_MS = 5_000;
/**
 * A switch Chromium ignores, with a value unique to each launch: it finds the browser's process
 * in /proc, which Playwright does not expose for a launched browser.
 */
const LAUNCH_ID_SWITCH = '--optexity-launch-id';

type Launched = { browser: Browser; pid: number | undefined; lost: AbortController; retiring: boolean };

/**
 * One headless Chromium reused across tasks (each task gets its own context), so a task pays
 * for a new context, not for a browser start. A browser that crashes is noticed at once
 * ('disconnected'), its process group killed, and replaced on the next acquire.
 */
export function createBrowserProvider(options: { chromiumPath?: string; logger: Logger }): BrowserProvider {
  let current: Promise<Launched> | undefined;

  async function launch(onGone: () => void): Promise<Launched> {
    const executable = await resolveChromiumExecutable(options.chromiumPath);
    const launchSwitch = `${LAUNCH_ID_SWITCH}=${randomUUID()}`;
    let browser: Browser;
    try {
      // Loaded here, not at import: a worker whose tasks run in a thread never loads it on its main thread.
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: executable.executablePath,
        args: [...executable.args, launchSwitch],
        headless: true,
        timeout: LAUNCH_TIMEOUT_MS,
        // Shutdown is the worker's: it lets the running task finish before the browser closes.
        // Playwright's own handlers would close the browser (and exit on SIGINT) at the signal.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      throw new Error(launchFailure(executable, error), { cause: error });
    }
    const launched: Launched = { browser, pid: undefined, lost: new AbortController(), retiring: false };
    browser.on('disconnected', () => {
      onGone();
      if (launched.retiring) return;
      options.logger.warn('browser closed unexpectedly; it is replaced for the next task', { pid: launched.pid });
      // Its renderers may outlive a killed main process for a moment: end them now.
      killProcessGroup(launched.pid);
      launched.lost.abort(new BrowserClosedError());
    });
    launched.pid = await findChildWithArgument(process.pid, launchSwitch);
    options.logger.info('browser launched', { source: executable.source, version: browser.version(), pid: launched.pid });
    return launched;
  }

  function ensure(): Promise<Launched> {
    if (!current) {
      const launching: Promise<Launched> = launch(() => {
        if (current === launching) current = undefined;
      });
      current = launching;
      launching.catch(() => {
        if (current === launching) current = undefined;
      });
    }
    return current;
  }

  async function retire(launched: Launched): Promise<void> {
    launched.retiring = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_DEADLINE_MS)));
    try {
      const result = await Promise.race([launched.browser.close().then(() => 'closed' as const, () => 'failed' as const), deadline]);
      if (result !== 'closed') {
        options.logger.warn('browser did not close in time; killing it', { pid: launched.pid });
        killProcessGroup(launched.pid);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async function recycle(): Promise<void> {
    const launching = current;
    current = undefined;
    const launched = await launching?.catch(() => undefined);
    if (launched) await retire(launched);
  }

  return {
    async acquire() {
      let launched = await ensure();
      // Dead but not yet reported (the 'disconnected' event comes on a later tick).
      if (!launched.browser.isConnected()) {
        if (current && (await current.catch(() => undefined)) === launched) current = undefined;
        launched = await ensure();
      }
      return { browser: launched.browser, lost: launched.lost.signal };
    },
    recycle,
    close: recycle,
  };
}

/**
 * The reason in one line: Playwright's message carries the whole command line and call log.
 * A browser that exits at once says why only on its stderr, so its last lines are kept.
 */
function launchFailure(executable: ChromiumExecutable, error: unknown): string {
  const message = errorMessage(error);
  const [first = ''] = message.split('\n');
  const stderr = [...(message.split('Call log:')[0] ?? '').matchAll(/\[pid=\d+\]\[err\] (.+)/g)].map((m) => m[1]?.trim()).filter(Boolean).slice(-3);
  const reason = first.replace(/^browserType\.launch: /, '');
  const detail = stderr.length > 0 ? ` (stderr: ${stderr.join(' | ')})` : '';
  return `Chromium could not start (${executable.source} ${executable.executablePath}): ${reason}${detail}`;
}
