import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { clickStep } from '../../../test/support/steps.js';
import { makeTask } from '../../../test/support/task-fixture.js';
import { createLogger, silentLogger } from '../../log/logger.js';
import { taskPaths } from '../../schemas/wire/task.js';
import { acceptTask } from '../../worker/accept-task.js';
import { isPdfResponse, DownloadCapture, pdfFileName } from './download-capture.js';
import { runAutomation } from './run-automation.js';

const pdf = (name: string) => Buffer.from(`%PDF-1.4\n% ${name}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const CHUNK = Buffer.alloc(4096, 0x41);
const CHUNKS = 6;
/** What a streamed file must hold once complete: the header, then every chunk. */
const streamed = (name: string) => Buffer.concat([pdf(name), ...Array.from({ length: CHUNKS }, () => CHUNK)]);

const PDF_PAGE = `<!doctype html><title>Statements</title>
<a href="/files/statement-inline">Inline statement</a>
<a href="/files/kontoauszug">Attachment statement</a>
<a href="/files/slow.pdf">Slow statement</a>
<a href="/files/report.csv">CSV report</a>
<button onclick="fetch('/api/invoice')">Fetch invoice</button>
<button onclick="fetch('/api/slow-invoice')">Fetch slow invoice</button>
<button onclick="setTimeout(() => fetch('/api/late.pdf'), 1500)">Fetch later</button>
<button onclick="saveFile('/api/blob-statement', 'statement.pdf', 'arrayBuffer')">Save as file</button>
<button onclick="saveFile('/api/blob-letter', 'letter.pdf', 'blob')">Save letter</button>
<script>
  // The single-page-app way: fetch the PDF, then download it from a blob: URL. Chromium keeps the
  // response body for CDP when the page reads an arrayBuffer, not when it reads a blob.
  async function saveFile(url, name, how) {
    const answer = await fetch(url);
    const blob = how === 'blob' ? await answer.blob() : new Blob([await answer.arrayBuffer()], { type: 'application/pdf' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.append(link);
    link.click();
  }
</script>`;

function sendPdf(res: ServerResponse, name: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'application/pdf', ...headers }).end(pdf(name));
}

/** Writes the body in chunks over about 3 s, so the capture must wait for the last byte. */
function streamPdf(res: ServerResponse, name: string): void {
  res.writeHead(200, { 'content-type': 'application/pdf' });
  res.write(pdf(name));
  let sent = 0;
  const timer = setInterval(() => {
    res.write(CHUNK);
    if (++sent === CHUNKS) {
      clearInterval(timer);
      res.end();
    }
  }, 500);
  res.on('close', () => clearInterval(timer));
}

let browser: Browser;
let server: PageServer;

const click = (name: string, extra: Record<string, unknown> = {}, role = 'link') => clickStep(`get_by_role("${role}", name="${name}")`, extra);
const files = (task: Parameters<typeof taskPaths>[0]) => readdirSync(taskPaths(task).downloadsDirectory).sort();
const bytes = (task: Parameters<typeof taskPaths>[0], name: string) => readFileSync(join(taskPaths(task).downloadsDirectory, name));

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/pdfs': PDF_PAGE },
    {
      '/files/statement-inline': (_req, res) => sendPdf(res, 'inline'),
      '/files/kontoauszug': (_req, res) =>
        sendPdf(res, 'kontoauszug', { 'content-disposition': "attachment; filename=\"Kontoauszug_U.pdf\"; filename*=UTF-8''Kontoauszug_%C3%9C.pdf" }),
      '/files/plain.pdf': (_req, res) => sendPdf(res, 'plain'),
      '/files/report.csv': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="report.csv"' }).end('id,total\n7,42\n');
      },
      '/files/slow.pdf': (_req, res) => streamPdf(res, 'slow'),
      '/api/invoice': (_req, res) => sendPdf(res, 'invoice', { 'content-disposition': 'inline; filename="invoice 7.pdf"' }),
      '/api/slow-invoice': (_req, res) => streamPdf(res, 'slow-invoice'),
      '/api/late.pdf': (_req, res) => sendPdf(res, 'late'),
      '/api/blob-statement': (_req, res) => sendPdf(res, 'blob'),
      '/api/blob-letter': (_req, res) => sendPdf(res, 'letter'),
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('PDF capture', () => {
  it('saves every PDF once, from a navigation (inline or attachment), a fetch, or a fetch the page saves from a blob, under the name the server or page gives', async () => {
    const automation = recording(server.url('/pdfs'), [
      click('Inline statement'),
      click('Attachment statement'),
      click('Fetch invoice', {}, 'button'),
      click('Save as file', {}, 'button'),
      click('Save letter', {}, 'button'),
    ]);
    const { task, outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    // filename* wins and keeps its UTF-8; without a Content-Disposition Chromium names a
    // navigated PDF after the URL's last segment plus ".pdf". A fetched PDF that the page then
    // saves from a blob is one file, under the name the page gave it.
    expect(files(task)).toEqual(['Kontoauszug_Ü.pdf', 'invoice 7.pdf', 'letter.pdf', 'statement-inline.pdf', 'statement.pdf']);
    expect(outcome.downloads.sort()).toEqual(files(task));
    expect(bytes(task, 'statement-inline.pdf')).toEqual(pdf('inline'));
    expect(bytes(task, 'Kontoauszug_Ü.pdf')).toEqual(pdf('kontoauszug'));
    expect(bytes(task, 'invoice 7.pdf')).toEqual(pdf('invoice'));
    expect(bytes(task, 'statement.pdf')).toEqual(pdf('blob'));
    expect(bytes(task, 'letter.pdf')).toEqual(pdf('letter'));
  });

  it('keeps a download no step expected even when it is not a PDF, as the original', async () => {
    const { task, outcome } = await runRecording(browser, recording(server.url('/pdfs'), [click('CSV report')]));
    expect(outcome.error).toBeNull();
    expect(files(task)).toEqual(['report.csv']);
    expect(bytes(task, 'report.csv').toString()).toBe('id,total\n7,42\n');
  });

  it('waits at the end of the run for bodies still streaming, and saves them complete', async () => {
    const automation = recording(server.url('/pdfs'), [click('Slow statement'), click('Fetch slow invoice', {}, 'button')], {}, { take_final_screenshot: false });
    const started = Date.now();
    const { task, outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    // Both bodies take about 3 s; the steps themselves end long before.
    expect(Date.now() - started).toBeGreaterThan(2_500);
    // The fetched one has neither a Content-Disposition nor a .pdf URL: a uuid name.
    const [fetched = '', navigated] = files(task);
    expect(navigated).toBe('slow.pdf');
    expect(fetched).toMatch(/^[0-9a-f-]{36}\.pdf$/);
    expect(bytes(task, 'slow.pdf')).toEqual(streamed('slow'));
    expect(bytes(task, fetched)).toEqual(streamed('slow-invoice'));
    // The final step lists the downloads, so it ran after both were complete.
    const finalState = JSON.parse(readFileSync(join(taskPaths(task).logsDirectory, 'step_2', 'state.json'), 'utf8'));
    expect(finalState.downloaded_files.sort()).toEqual(files(task));
  });

  it('saves an expected PDF download once, under the recorded name, from a navigation, an attachment, a fetch or a blob link', async () => {
    const automation = recording(
      server.url('/pdfs'),
      [
        click('Inline statement', { expect_download: true, download_filename: 'stmt-{id[0]}' }),
        click('Attachment statement', { expect_download: true, download_filename: 'kontoauszug-{id[0]}.pdf' }),
        // No name recorded: the schema's automatic (uuid) name gives way to the server's.
        click('Fetch invoice', { expect_download: true }, 'button'),
        click('Save as file', { expect_download: true, download_filename: 'blob-statement' }, 'button'),
        click('Save letter', { expect_download: true, download_filename: 'blob-letter' }, 'button'),
      ],
      { id: ['0'] },
    );
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (line) => lines.push(line) });
    const { task, outcome } = await runRecording(browser, automation, { input_parameters: { id: ['1'] } }, logger);
    expect(outcome.error).toBeNull();
    // The blob download carries the fetched bytes: one file, not also "statement.pdf".
    expect(files(task)).toEqual(['blob-letter.pdf', 'blob-statement.pdf', 'invoice 7.pdf', 'kontoauszug-1.pdf', 'stmt-1.pdf']);
    const logged = lines.map((line) => JSON.parse(line));
    expect(logged.filter((entry) => entry.msg === 'download not saved twice')).toHaveLength(1);
    expect(logged.filter((entry) => entry.msg === 'download saved' && entry.expected === true).map((entry) => entry.file).sort()).toEqual(files(task));
    expect(bytes(task, 'stmt-1.pdf')).toEqual(pdf('inline'));
    expect(bytes(task, 'kontoauszug-1.pdf')).toEqual(pdf('kontoauszug'));
    expect(bytes(task, 'blob-statement.pdf')).toEqual(pdf('blob'));
    expect(bytes(task, 'blob-letter.pdf')).toEqual(pdf('letter'));
  });

  it('fails an expected download that never comes, naming it', async () => {
    const automation = recording(server.url('/pdfs'), [click('Fetch later', { expect_download: true, download_filename: 'x' }, 'button')]);
    const accepted = await acceptTask(makeTask({ automation, input_parameters: {} }));
    const outcome = await runAutomation({ task: accepted.task, automation: accepted.automation, browser, logger: silentLogger, downloadTimeoutSeconds: 1 });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('could not download file when expect download is true: no file was downloaded within 1 s');
  });

  it('names download_url_as_pdf files like downloads, and the capture does not save them again', async () => {
    const automation = recording(server.url('/pdfs'), [
      { type: 'action_node', end_sleep_time: 0, interaction_action: { download_url_as_pdf: { url: server.url('/files/kontoauszug'), download_filename: 'monthly' } } },
      { type: 'action_node', end_sleep_time: 0, interaction_action: { download_url_as_pdf: { url: server.url('/files/plain.pdf') } } },
    ]);
    const { task, outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(files(task)).toEqual(['monthly.pdf', 'plain.pdf']);
    expect(bytes(task, 'monthly.pdf')).toEqual(pdf('kontoauszug'));
  });

  it('waits for expected_downloads files at the end of the run', async () => {
    const automation = recording(server.url('/pdfs'), [click('Fetch later', {}, 'button')], {}, { expected_downloads: 1, take_final_screenshot: false });
    const { task, outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    // The page asks for the PDF 1.5 s after the click, long after the last step ended.
    expect(files(task)).toEqual(['late.pdf']);
    expect(outcome.downloads).toEqual(['late.pdf']);
  });

  it('only warns when fewer than expected_downloads files arrive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdf-capture-'));
    writeFileSync(join(dir, 'one.pdf'), 'x');
    const lines: string[] = [];
    const capture = new DownloadCapture({ dir, logger: createLogger({ level: 'warn', sink: (line) => lines.push(line) }), stepIndex: () => 0 });
    const started = Date.now();
    await capture.finish(2, 400);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(lines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 'warn', msg: 'fewer files downloaded than expected_downloads', expected_downloads: 2, downloaded: 1 })]);
  });
});

describe('which responses are PDFs, and their names', () => {
  it.each<[Record<string, string>, boolean]>([
    [{ 'content-type': 'application/pdf' }, true],
    [{ 'content-type': 'Application/PDF; charset=binary' }, true],
    [{ 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="a.PDF"' }, true],
    [{ 'content-type': 'application/octet-stream', 'content-disposition': 'inline; filename="a.pdf"' }, false],
    [{ 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="a.csv"' }, false],
    [{}, false],
  ])('%j is a PDF: %s', (headers, expected) => {
    expect(isPdfResponse(headers)).toBe(expected);
  });

  it('names a PDF from Content-Disposition, else the URL when it ends .pdf, else a uuid, never with a path', () => {
    expect(pdfFileName({ 'content-disposition': "attachment; filename*=UTF-8''%C3%9Cbersicht.pdf" }, 'http://x/a.pdf')).toBe('Übersicht.pdf');
    expect(pdfFileName({ 'content-disposition': 'attachment; filename="../../etc/passwd.pdf"' }, 'http://x/a')).toBe('passwd.pdf');
    expect(pdfFileName({}, 'http://x/docs/Report%202024.PDF?session=1')).toBe('Report 2024.PDF');
    expect(pdfFileName({}, 'http://x/docs/..%2F..%2Fevil.pdf')).toBe('evil.pdf');
    expect(pdfFileName({}, 'http://x/download?id=3')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.pdf$/);
  });
});
