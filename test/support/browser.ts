import { chromium, type Browser } from 'playwright-core';
import { resolveChromiumExecutable } from '../../lib/automation/browser/chromium-executable.js';

/** One headless Chromium for a test file: the packaged one, or CHROMIUM_PATH. */
export async function launchTestBrowser(): Promise<Browser> {
  const executable = await resolveChromiumExecutable(process.env.CHROMIUM_PATH);
  return chromium.launch({ executablePath: executable.executablePath, args: executable.args, headless: true });
}
