import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../errors.js';
import { extractTarGz, type ExtractedFile, type ExtractLimits } from './extract-tar.js';
import { fileNameProblem, pathInside, relativePathOf } from './safe-names.js';

/**
 * The files of each task under `DATA_DIR/tasks/{task_id}/`:
 * `downloads/…`, `screenshots/…`, `final_screenshot.{png|jpg}`, `trajectory.tar.gz`, and
 * `.upload-*.tmp` while an upload streams in.
 * A repeated upload replaces the earlier one whole (built aside, then swapped in), and uploads
 * for one task are serialised so two of them never interleave.
 */
export type TaskFiles = ReturnType<typeof createTaskFiles>;

export type NamedContent = { name: string; content: Buffer };

const FOLDERS = { download: 'downloads', screenshot: 'screenshots' } as const;
const FINAL_SCREENSHOT_NAMES = ['final_screenshot.png', 'final_screenshot.jpg'];
/** The upload of this name (current protocol) is the task's final screenshot, not a download. */
export const FINAL_SCREENSHOT_UPLOAD_NAME = 'final_screenshot.png';
const TRAJECTORY_NAME = 'trajectory.tar.gz';

export function createTaskFiles(dataDir: string, options: { extractLimits?: ExtractLimits } = {}) {
  const tasksRoot = join(dataDir, 'tasks');
  const lock = createKeyedLock();

  function taskDir(taskId: string): string {
    const dir = fileNameProblem(taskId) ? undefined : pathInside(tasksRoot, taskId);
    if (!dir) throw new AppError('INTERNAL', `task id cannot name a folder: ${JSON.stringify(taskId)}`);
    return dir;
  }

  /** Fills a fresh folder beside `folder`, then puts it in place of `folder`. */
  async function replaceFolder<T>(taskId: string, folder: string, fill: (staging: string) => Promise<T>): Promise<T> {
    return lock(taskId, async () => {
      const dir = taskDir(taskId);
      const staging = join(dir, `.${folder}-${randomUUID()}`);
      await mkdir(staging, { recursive: true });
      try {
        const result = await fill(staging);
        await rm(join(dir, folder), { recursive: true, force: true });
        await rename(staging, join(dir, folder));
        return result;
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        throw error;
      }
    });
  }

  async function writeAtomically(path: string, content: Buffer): Promise<void> {
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, content);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** A regular file (not a link) below the task's folder, or undefined. */
  async function readInside(taskId: string, relative: string): Promise<Buffer | undefined> {
    const path = pathInside(taskDir(taskId), relative);
    if (!path) return undefined;
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return readFile(path);
  }

  return {
    taskDir,

    /** Unpacks the worker's `{task_id}.tar.gz` into `downloads/`. */
    replaceDownloads: (taskId: string, archive: Buffer, field: string): Promise<ExtractedFile[]> =>
      replaceFolder(taskId, FOLDERS.download, (staging) =>
        extractTarGz(archive, { rootName: taskId, destination: staging, field, limits: options.extractLimits }),
      ),

    /** Names must already be checked with `fileNameProblem`; a repeated name keeps the last file. */
    replaceScreenshots: (taskId: string, files: NamedContent[]): Promise<ExtractedFile[]> =>
      replaceFolder(taskId, FOLDERS.screenshot, async (staging) => {
        const byName = new Map(files.map((file) => [file.name, file.content]));
        for (const [name, content] of byName) await writeFile(join(staging, name), content);
        return [...byName].map(([name, content]) => ({ name, size: content.length }));
      }),

    /** Writes the final screenshot (or removes it when the report has none); answers its file name. */
    writeFinalScreenshot: (taskId: string, base64: string | null): Promise<string | null> =>
      lock(taskId, async () => {
        const dir = taskDir(taskId);
        await mkdir(dir, { recursive: true });
        const content = base64 === null ? null : Buffer.from(base64, 'base64');
        const name = content === null ? null : isJpeg(content) ? 'final_screenshot.jpg' : 'final_screenshot.png';
        if (content !== null && name !== null) await writeAtomically(join(dir, name), content);
        for (const other of FINAL_SCREENSHOT_NAMES) if (other !== name) await rm(join(dir, other), { force: true });
        return name;
      }),

    /**
     * Streams one uploaded file to disk beside its place, then moves it there: a re-upload
     * replaces the file whole, and a cut-off upload leaves the earlier one untouched. The name
     * must already be checked with `fileNameProblem`. Answers the size in bytes.
     */
    async storeUpload(taskId: string, name: string, body: Readable, maxBytes: number): Promise<number> {
      const dir = taskDir(taskId);
      const destination = name === FINAL_SCREENSHOT_UPLOAD_NAME ? pathInside(dir, name) : pathInside(dir, `${FOLDERS.download}/${name}`);
      if (!destination) throw new AppError('INTERNAL', `upload name cannot name a file: ${JSON.stringify(name)}`);
      await mkdir(dir, { recursive: true });
      const temporary = join(dir, `.upload-${randomUUID()}.tmp`);
      try {
        const size = await writeLimited(body, temporary, maxBytes);
        await lock(taskId, async () => {
          await mkdir(dirname(destination), { recursive: true });
          await rename(temporary, destination);
          if (name === FINAL_SCREENSHOT_UPLOAD_NAME) {
            for (const other of FINAL_SCREENSHOT_NAMES) if (other !== name) await rm(join(dir, other), { force: true });
          }
        });
        return size;
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    writeTrajectory: (taskId: string, archive: Buffer): Promise<void> =>
      lock(taskId, async () => {
        const dir = taskDir(taskId);
        await mkdir(dir, { recursive: true });
        await writeAtomically(join(dir, TRAJECTORY_NAME), archive);
      }),

    readStoredFile(taskId: string, kind: keyof typeof FOLDERS, name: string): Promise<Buffer | undefined> {
      const relative = relativePathOf(name);
      if ('problem' in relative) return Promise.resolve(undefined);
      return readInside(taskId, `${FOLDERS[kind]}/${relative.path}`);
    },
    readFinalScreenshot: (taskId: string, name: string) =>
      FINAL_SCREENSHOT_NAMES.includes(name) ? readInside(taskId, name) : Promise.resolve(undefined),
    readTrajectory: (taskId: string) => readInside(taskId, TRAJECTORY_NAME),
  };
}

/**
 * Writes the body to a new file. Past `maxBytes` it keeps reading without writing, so the
 * sender can finish and be told 413 (destroying the request would cut the answer off too).
 */
async function writeLimited(body: Readable, path: string, maxBytes: number): Promise<number> {
  const handle = await open(path, 'wx');
  let size = 0;
  try {
    for await (const chunk of body) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('request body produced a chunk that is not bytes');
      size += chunk.length;
      if (size <= maxBytes) await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  if (size > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `Upload is larger than ${maxBytes} bytes`);
  return size;
}

function isJpeg(content: Buffer): boolean {
  return content.length > 2 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff;
}

/** Runs one job at a time per key; jobs for different keys run side by side. */
function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async function withLock<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(job, job);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
