import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { resolveChromiumExecutable } from './chromium-executable.js';

describe('resolveChromiumExecutable', () => {
  it('launches the packaged Chromium without --single-process so contexts can be closed and reopened', async () => {
    const exe = await resolveChromiumExecutable(process.env.CHROMIUM_PATH);
    expect(exe.args).not.toContain('--single-process');
    const browser = await chromium.launch({ executablePath: exe.executablePath, args: exe.args, headless: true });
    try {
      const first = await browser.newContext();
      await first.close();
      const second = await browser.newContext();
      const page = await second.newPage();
      await page.setContent('<button>Sign In</button>');
      expect(await page.getByRole('button', { name: 'Sign In' }).count()).toBe(1);
    } finally {
      await browser.close();
    }
  });
});
