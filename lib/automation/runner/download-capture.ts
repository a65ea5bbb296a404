import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BrowserContext, Download, Page, Response } from 'playwright-core';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { parseContentDisposition } from './content-disposition.js';
import { downloadFileName, ExpectedDownloadFailedError, reserveFreePath, safeFileName } from './downloads.js';
import { sleep, withDeadline } from './wait.js';

/** The original's final check waits at most 10 s for `expected_downloads` files to appear. */
const EXPECTED_DOWNLOADS_WAIT_MS = 10_000;
const EXPECTED_DOWNLOADS_POLL_MS = 200;
/** …and up to 30 s for downloads still being written (its `.crdownload` wait). */
const SETTLE_MS = 30_000;

/** What the original captures (spec §2.9 b): a PDF content type, or an attachment named *.pdf. */
export function isPdfResponse(headers: Record<string, string>): boolean {
  if ((headers['content-type'] ?? '').toLowerCase().includes('application/pdf')) return true;
  const disposition = parseContentDisposition(headers['content-disposition'] ?? '');
  return disposition?.type === 'attachment' && (disposition.filename ?? '').toLowerCase().endsWith('.pdf');
}

/** Content-Disposition's name, else the URL's last segment when it ends .pdf, else `<uuid>.pdf`. */
export function pdfFileName(headers: Record<string, string>, url: string): string {
  const fallback = `${randomUUID()}.pdf`;
  const fromHeader = parseContentDisposition(headers['content-disposition'] ?? '')?.filename;
  if (fromHeader) return safeFileName(fromHeader, fallback);
  const segment = URL.canParse(url) ? (new URL(url).pathname.split('/').at(-1) ?? '') : '';
  const decoded = safeDecode(segment);
  return decoded.toLowerCase().endsWith('.pdf') ? safeFileName(decoded, fallback) : fallback;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** An open expect_download: the first file captured after it opened is saved under its name. */
type Claim = {
  requestedName: string | null;
  /** Captures numbered above this one started after the claim opened. */
  after: number;
  saved: Promise<string>;
  resolve(name: string): void;
  reject(error: Error): void;
};

/** A saved file, and whether an expected download has returned its name (it must keep it then). */
type Saved = { file: string; claimed: boolean } | null;
type Copy = { channel: 'response' | 'script'; saved: Promise<Saved> };

/** `maxBytes` (MAX_DOWNLOAD_BYTES): a larger file is not kept, and a step expecting it fails. */
type CaptureOptions = { dir: string; logger: Logger; stepIndex: () => number; maxBytes?: number };

/**
 * Saves every file the run downloads, each exactly once, into the task's downloads folder:
 * every PDF response (spec §2.9 b, expected or not) and every browser download, PDF or not (the
 * original keeps those too: its final check moves whatever Chrome left in its download folder).
 *
 * Two channels deliver files, and in headless Chromium (checked with @sparticuz/chromium 143)
 * they never overlap for one response:
 * - Every navigation to a PDF, inline or attachment, in a tab, a new tab or an iframe, becomes
 *   a Playwright download, and CDP then refuses its body ("No resource with given identifier").
 *   Downloads are saved from the download itself, with Chromium's RFC 6266 file name.
 * - A PDF fetched by a script (fetch/XHR) is not a download; its body is read from the
 *   response (Playwright waits for the last byte) and named by pdfFileName.
 * The one overlap is a page that fetches a PDF and then downloads it from a blob: or data:
 * URL: the two copies (same bytes) are saved as one file (see keepOne).
 *
 * An expected download (`expect`, for expect_download) saves nothing itself: it opens a claim, and
 * the first capture to finish after the claim opened is saved under the recorded name.
 */
export class DownloadCapture {
  private readonly running = new Set<Promise<void>>();
  private readonly claims: Claim[] = [];
  /** The first copy of each file (by sha256 of its bytes) saved from a response or a blob:/data: download. */
  private readonly copies = new Map<string, Copy>();
  private lastCapture = 0;

  constructor(private readonly options: CaptureOptions) {}

  attach(context: BrowserContext): void {
    context.on('response', (response) => this.onResponse(response));
    const onPage = (page: Page) => page.on('download', (download) => this.onDownload(download));
    context.pages().forEach(onPage);
    context.on('page', onPage);
  }

  /** Runs `act`, then answers the name under which the file it started was saved. */
  async expect(requestedName: string | null, timeoutMs: number, act: () => Promise<void>): Promise<string> {
    const claim = this.openClaim(requestedName);
    try {
      await act();
      // A claim resolves to a file name, never null: null is the deadline.
      const name = await withDeadline(claim.saved, timeoutMs);
      if (name === null) throw new ExpectedDownloadFailedError(`no file was downloaded within ${timeoutMs / 1000} s`);
      return name;
    } finally {
      this.closeClaim(claim);
    }
  }

  /**
   * The original's final downloads check: wait (≤10 s) until `expected` files are there or on
   * their way, let every running capture finish, and only warn when some are missing.
   */
  async finish(expected: number, waitMs = EXPECTED_DOWNLOADS_WAIT_MS): Promise<void> {
    const until = Date.now() + waitMs;
    while (expected > 0 && (await this.fileCount()) + this.running.size < expected && Date.now() < until) await sleep(EXPECTED_DOWNLOADS_POLL_MS);
    await this.settle(SETTLE_MS);
    const files = await this.fileCount();
    if (files < expected) this.options.logger.warn('fewer files downloaded than expected_downloads', { expected_downloads: expected, downloaded: files });
  }

  /** Waits for the captures still running (and any they lead to), at most `ms`. */
  async settle(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.running.size > 0) {
      const left = until - Date.now();
      if (left <= 0) {
        this.options.logger.warn('downloads still running when the run ended', { running: this.running.size });
        return;
      }
      await withDeadline(Promise.allSettled([...this.running]), left);
    }
  }

  private fileCount(): Promise<number> {
    return readdir(this.options.dir).then(
      (names) => names.length,
      () => 0,
    );
  }

  private onResponse(response: Response): void {
    const headers = response.headers();
    if (!response.ok() || !isPdfResponse(headers)) return;
    const capture = ++this.lastCapture;
    this.track(async () => {
      let body: Buffer;
      try {
        body = await response.body();
      } catch {
        // The response became a download (or its page went away): the download channel has it.
        return;
      }
      // Chromium hands out an empty body when the page read it with blob(); the page's blob
      // download, if any, then is the only copy.
      if (body.length === 0) return;
      if (this.refuseLarge(capture, body.length, response.url())) return;
      const hash = sha256(body);
      const first = this.copies.get(hash);
      if (first?.channel === 'script') return this.keepOne(capture, hash, first, null);
      const saved = this.save(this.takeClaim(capture), pdfFileName(headers, response.url()), (target) => writeFile(target, body), response.url());
      if (!first) this.copies.set(hash, { channel: 'response', saved });
      await saved;
    });
  }

  private onDownload(download: Download): void {
    const capture = ++this.lastCapture;
    const url = download.url();
    this.track(async () => {
      let path: string;
      try {
        path = await download.path();
      } catch (error) {
        this.takeClaim(capture)?.reject(new ExpectedDownloadFailedError(firstLine(error)));
        this.options.logger.warn('download failed', { step_index: this.options.stepIndex(), url, error: errorMessage(error) });
        return;
      }
      const size = await stat(path).then((info) => info.size, () => 0);
      if (this.refuseLarge(capture, size, url)) {
        await download.delete().catch(() => {});
        return;
      }
      const save = () => this.save(this.takeClaim(capture), download.suggestedFilename(), (target) => download.saveAs(target), url);
      if (!/^(blob|data):/i.test(url)) {
        await save();
        return;
      }
      const hash = sha256(await readFile(path));
      const first = this.copies.get(hash);
      if (first?.channel === 'response') return this.keepOne(capture, hash, first, download.suggestedFilename());
      const saved = save();
      if (!first) this.copies.set(hash, { channel: 'script', saved });
      await saved;
    });
  }

  /**
   * The second copy of one file (a fetched PDF that the page then downloads from a blob) is not
   * saved again. Unless an expected download already returned its name, the kept file takes the
   * name an open claim asks for, else the name the page gave its download: the outcome then does
   * not depend on which copy happened to finish first.
   */
  private async keepOne(capture: number, hash: string, first: Copy, pageName: string | null): Promise<void> {
    const claim = this.takeClaim(capture);
    const kept = await first.saved;
    if (kept === null) {
      claim?.reject(new ExpectedDownloadFailedError('the downloaded file could not be saved'));
      return;
    }
    let file = kept.file;
    const wanted = kept.claimed ? null : claim ? downloadFileName(claim.requestedName, pageName ?? kept.file) : pageName;
    if (wanted !== null) file = await this.renameKept(kept.file, wanted);
    this.copies.set(hash, { channel: first.channel, saved: Promise.resolve({ file, claimed: kept.claimed || claim !== undefined }) });
    claim?.resolve(file);
    this.options.logger.info('download not saved twice', { step_index: this.options.stepIndex(), file });
  }

  private async renameKept(file: string, wanted: string): Promise<string> {
    const name = safeFileName(wanted, file);
    if (name === file) return file;
    let target: string | undefined;
    try {
      target = await reserveFreePath(this.options.dir, name);
      await rename(join(this.options.dir, file), target);
      return basename(target);
    } catch (error) {
      if (target) await rm(target, { force: true }).catch(() => {});
      this.options.logger.warn('could not rename a download', { file, wanted: name, error: errorMessage(error) });
      return file;
    }
  }

  private async save(claim: Claim | undefined, suggested: string, write: (target: string) => Promise<void>, url: string): Promise<Saved> {
    const name = claim ? downloadFileName(claim.requestedName, suggested) : safeFileName(suggested);
    let target: string | undefined;
    try {
      target = await reserveFreePath(this.options.dir, name);
      await write(target);
      const file = basename(target);
      claim?.resolve(file);
      this.options.logger.info('download saved', { step_index: this.options.stepIndex(), file, url, expected: claim !== undefined });
      return { file, claimed: claim !== undefined };
    } catch (error) {
      if (target) await rm(target, { force: true }).catch(() => {});
      claim?.reject(new ExpectedDownloadFailedError(firstLine(error)));
      this.options.logger.warn('could not save a download', { step_index: this.options.stepIndex(), url, error: errorMessage(error) });
      return null;
    }
  }

  /** True (and the claim waiting for it failed) when a file is above MAX_DOWNLOAD_BYTES. */
  private refuseLarge(capture: number, bytes: number, url: string): boolean {
    const max = this.options.maxBytes;
    if (max === undefined || bytes <= max) return false;
    const message = `the downloaded file is ${bytes} bytes, above the limit of ${max} bytes (MAX_DOWNLOAD_BYTES)`;
    this.takeClaim(capture)?.reject(new ExpectedDownloadFailedError(message));
    this.options.logger.warn('download not kept: too large', { step_index: this.options.stepIndex(), url, bytes, max_bytes: max });
    return true;
  }

  private track(work: () => Promise<void>): void {
    const task = work().catch((error: unknown) => this.options.logger.warn('download capture failed', { error: errorMessage(error) }));
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  private openClaim(requestedName: string | null): Claim {
    let resolve!: (name: string) => void;
    let reject!: (error: Error) => void;
    const saved = new Promise<string>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    // A claim whose action failed is never awaited; its late rejection is of no interest.
    saved.catch(() => {});
    const claim: Claim = { requestedName, after: this.lastCapture, saved, resolve, reject };
    this.claims.push(claim);
    return claim;
  }

  private closeClaim(claim: Claim): void {
    const index = this.claims.indexOf(claim);
    if (index !== -1) this.claims.splice(index, 1);
  }

  /** The oldest open claim that `capture` started after; it is no one else's from now on. */
  private takeClaim(capture: number): Claim | undefined {
    const index = this.claims.findIndex((claim) => capture > claim.after);
    return index === -1 ? undefined : this.claims.splice(index, 1)[0];
  }
}

function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0] ?? '';
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
