import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { makeTask } from '../../../test/support/task-fixture.js';
import { clickStep, interactionStep } from '../../../test/support/steps.js';
import { silentLogger } from '../../log/logger.js';
import { taskPaths } from '../../schemas/wire/task.js';
import { acceptTask } from '../../worker/accept-task.js';
import { runAutomation } from '../runner/run-automation.js';
import { DEFAULT_RUN_SERVICES, type RunServices } from '../runner/run-services.js';

/** Files stay where they belong whatever a recording or its variables name, and fetches are bounded. */

const UPLOAD_PAGE = `<!doctype html><title>Upload</title><label>File <input type="file"></label>`;
const DOWNLOAD_PAGE = `<!doctype html><title>Download</title><a href="/big.bin" download="big.bin">Get</a>`;

let browser: Browser;
let server: PageServer;
let scratch: string;
let uploads: string;
let outside: string;

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/upload': UPLOAD_PAGE, '/download': DOWNLOAD_PAGE },
    {
      '/big.bin': (_req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(4096, 1)),
      '/a.pdf': (_req, res) => void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 small'),
    },
  );
  scratch = mkdtempSync(join(tmpdir(), 'confinement-'));
  uploads = join(scratch, 'uploads');
  outside = join(scratch, 'outside.txt');
  writeFileSync(outside, 'not for upload');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(uploads);
  writeFileSync(join(uploads, 'cv.txt'), 'my cv');
  symlinkSync(outside, join(uploads, 'escape.txt'));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const services = (files: RunServices['files'] = {}): RunServices => ({ ...DEFAULT_RUN_SERVICES, files: { uploadFilesDir: uploads, ...files } });
const upload = (file_path: string) => interactionStep({ upload_file: { command: 'get_by_label("File")', file_path } });
const run = (nodes: unknown[], inputs: Record<string, string[]> = {}, files: RunServices['files'] = {}, url = server.url('/upload')) =>
  runRecording(browser, recording(url, nodes, inputs), { input_parameters: inputs }, undefined, { services: services(files) });

describe('upload_file.file_path reads only inside UPLOAD_FILES_DIR', () => {
  it('takes a relative path from the folder', async () => {
    expect((await run([upload('cv.txt')])).outcome.error).toBeNull();
  });

  it.each([
    ['an absolute path outside it', () => outside, 'is outside'],
    ['a symlink inside it pointing outside', () => join(uploads, 'escape.txt'), 'is outside'],
    ['a missing file', () => 'nope.txt', 'no such file'],
  ])('fails the step for %s', async (_case, path, message) => {
    const { outcome } = await run([upload(path())]);
    expect(outcome.error).toContain(message);
    expect(outcome.error).toContain('UPLOAD_FILES_DIR');
  });

  it('fails the step for a path with ".." that came from a variable', async () => {
    const { outcome } = await run([upload('{path[0]}')], { path: ['../outside.txt'] });
    expect(outcome.error).toContain('upload_file.file_path "../outside.txt" contains a ".." segment');
  });
});

describe('download names from variables', () => {
  it('fails the step instead of writing outside downloads/', async () => {
    const step = interactionStep({ download_url_as_pdf: { url: server.url('/a.pdf'), download_filename: '{name[0]}' } });
    const { task, outcome } = await run([step], { name: ['../../escaped.pdf'] });
    expect(outcome.error).toContain('download_filename "../../escaped.pdf" contains "/"');
    expect(readdirSync(taskPaths(task).taskDirectory)).not.toContain('escaped.pdf');
  });

  it('never writes through a symlink planted in downloads/', async () => {
    const automation = recording(server.url('/upload'), [interactionStep({ download_url_as_pdf: { url: server.url('/a.pdf'), download_filename: 'report.pdf' } })]);
    const accepted = await acceptTask(makeTask({ automation }));
    const downloads = taskPaths(accepted.task).downloadsDirectory;
    symlinkSync(outside, join(downloads, 'report.pdf'));
    const outcome = await runAutomation({ ...accepted, browser, logger: silentLogger, downloadTimeoutSeconds: 10, services: services() });
    expect(outcome.error).toBeNull();
    expect(readFileSync(outside, 'utf8')).toBe('not for upload');
    expect(readFileSync(join(downloads, 'report_1.pdf'), 'utf8')).toBe('%PDF-1.4 small');
  });
});

describe('size and time limits', () => {
  it('fails upload_file.file_url above FILE_FETCH_MAX_BYTES', async () => {
    const step = interactionStep({ upload_file: { command: 'get_by_label("File")', file_url: server.url('/big.bin') } });
    const { outcome } = await run([step], {}, { fetchMaxBytes: 1000 });
    expect(outcome.error).toContain('is 4096 bytes, above the limit of 1000 bytes (FILE_FETCH_MAX_BYTES)');
  });

  it('fails download_url_as_pdf above FILE_FETCH_MAX_BYTES', async () => {
    const step = interactionStep({ download_url_as_pdf: { url: server.url('/big.bin') } });
    const { outcome } = await run([step], {}, { fetchMaxBytes: 1000 });
    expect(outcome.error).toContain('download_url_as_pdf: ');
    expect(outcome.error).toContain('(FILE_FETCH_MAX_BYTES)');
  });

  it('fails an expected download above MAX_DOWNLOAD_BYTES and keeps no file', async () => {
    const { task, outcome } = await run([clickStep('get_by_text("Get")', { expect_download: true })], {}, { maxDownloadBytes: 1000 }, server.url('/download'));
    expect(outcome.error).toContain('above the limit of 1000 bytes (MAX_DOWNLOAD_BYTES)');
    expect(readdirSync(taskPaths(task).downloadsDirectory)).toEqual([]);
  });

  it('fails a loop over more values than MAX_LOOP_ITERATIONS', async () => {
    const loop = { type: 'for_loop_node', variable_name: 'ids', nodes: [{ type: 'action_node', misc_action: { sleep_action: { seconds: 0 } } }] };
    const { outcome } = await run([loop], { ids: ['1', '2', '3'] }, { maxLoopIterations: 2 });
    expect(outcome.error).toContain('the loop would run 3 iterations, above the limit of 2 (MAX_LOOP_ITERATIONS)');
  });
});

describe('variables named __proto__ and constructor', () => {
  it('are stored as plain variables and pollute nothing', async () => {
    const set = (name: string) => ({ type: 'action_node', misc_action: { set_variable: { name, value: 'x', output_variable_name: name } } });
    const joined = { type: 'action_node', misc_action: { set_variable: { name: 'joined', expression: "'{__proto__[0]}-{constructor[0]}'", output_variable_name: 'joined' } } };
    const { outcome } = await run([set('__proto__'), set('constructor'), joined]);
    expect(outcome.error).toBeNull();
    expect(outcome.outputData.map((item) => JSON.stringify(item.json_data))).toEqual(['{"__proto__":"x"}', '{"constructor":"x"}', '{"joined":"x-x"}']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
