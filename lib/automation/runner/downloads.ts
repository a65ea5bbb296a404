import { access } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Download, Page } from 'playwright-core';

/** The download an action was told to expect never came: the step fails at once, no retry. */
export class ExpectedDownloadFailedError extends Error {
  constructor(detail: string) {
    super(`could not download file when expect download is true: ${detail}`);
    this.name = 'ExpectedDownloadFailedError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A file name that stays inside the downloads folder: no folders, no dot-dot, no control
 * characters. Recordings and web servers both choose names; neither may choose a path.
 */
export function safeFileName(name: string, fallback = 'download'): string {
  const cleaned = basename(name.replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}

/**
 * The original's naming: an automatic (uuid) name keeps the browser's file name; a requested
 * name without an extension takes the downloaded file's extension.
 */
export function downloadFileName(requested: string | null, suggested: string): string {
  const browserName = safeFileName(suggested);
  if (requested === null || UUID.test(requested)) return browserName;
  const name = safeFileName(requested, browserName);
  return extname(name) === '' ? `${name}${extname(browserName)}` : name;
}

/** `name`, or `stem_1.ext`, `stem_2.ext`… when a file of that name is already there. */
export async function freePath(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; ; n++) {
    const candidate = join(dir, n === 0 ? name : `${stem}_${n}${ext}`);
    const exists = await access(candidate).then(
      () => true,
      () => false,
    );
    if (!exists) return candidate;
  }
}

/**
 * Runs `act` while waiting for the download it starts, then saves the file into `dir`.
 * Answers the saved file's name.
 */
export async function captureDownload(
  page: Page,
  options: { dir: string; requestedName: string | null; timeoutMs: number },
  act: () => Promise<void>,
): Promise<string> {
  const waiting = page.waitForEvent('download', { timeout: options.timeoutMs });
  // If `act` throws, nobody awaits the wait: keep its rejection from going unhandled.
  waiting.catch(() => {});
  await act();
  let download: Download;
  try {
    download = await waiting;
  } catch (error) {
    throw new ExpectedDownloadFailedError(error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
  }
  const failure = await download.failure();
  if (failure) throw new ExpectedDownloadFailedError(failure);
  const target = await freePath(options.dir, downloadFileName(options.requestedName, download.suggestedFilename()));
  await download.saveAs(target);
  return basename(target);
}
