import { chromium, type Browser } from 'playwright-core';
import type { Logger } from '../../log/logger.js';
import { resolveChromiumExecutable } from '../browser/chromium-executable.js';

export type BrowserProvider = {
  /** The warm browser, launched on first use and relaunched when it has died. */
  getBrowser(): Promise<Browser>;
  close(): Promise<void>;
};

/** Chromium can take a while on a cold, busy machine; a hung launch must still end. */
const LAUNCH_TIMEOUT_MS = 60_000;

/**
 * One headless Chromium reused across tasks (each task gets its own context), so a task pays
 * for a new context, not for a browser start.
 */
export function createBrowserProvider(options: { chromiumPath?: string; logger: Logger }): BrowserProvider {
  let launching: Promise<Browser> | undefined;
  // A disconnect we asked for is no news; any other one is worth a warning.
  let closing = false;

  async function launch(): Promise<Browser> {
    const executable = await resolveChromiumExecutable(options.chromiumPath);
    const browser = await chromium.launch({
      executablePath: executable.executablePath,
      args: executable.args,
      headless: true,
      timeout: LAUNCH_TIMEOUT_MS,
    });
    options.logger.info('browser launched', { source: executable.source, version: browser.version() });
    browser.on('disconnected', () => {
      if (!closing) options.logger.warn('browser disconnected');
    });
    return browser;
  }

  return {
    async getBrowser() {
      const current = launching ? await launching.catch(() => undefined) : undefined;
      if (current?.isConnected()) return current;
      launching = launch();
      launching.catch(() => {
        launching = undefined;
      });
      return launching;
    },
    async close() {
      const browser = launching ? await launching.catch(() => undefined) : undefined;
      launching = undefined;
      closing = true;
      await browser?.close().catch(() => {});
      closing = false;
    },
  };
}
