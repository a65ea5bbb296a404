import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { ValidationError } from '../../errors.js';
import { pathInside, quoteName, relativePathOf } from './safe-names.js';

export type ExtractLimits = { maxEntries: number; maxTotalBytes: number };

/** Generous for reports and PDFs, but a gzip bomb stops here instead of filling the disk. */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxEntries: 10_000, maxTotalBytes: 2 * 1024 ** 3 };

export type ExtractedFile = { name: string; size: number };

export type ExtractOptions = {
  /** Every entry must live under this top-level folder (the task id). */
  rootName: string;
  /** A fresh, empty folder the files are written into. */
  destination: string;
  /** The form field, named in every problem. */
  field: string;
  limits?: ExtractLimits;
};

/**
 * Extracts a gzip tar written by the worker (`{task_id}/…` entries). Only regular files are
 * written; directories, links and devices are skipped. A name outside the root folder (`..`,
 * absolute, NUL, another top folder) refuses the whole archive with a 422 naming the entry.
 * Files are streamed to disk, so a large archive never sits in memory uncompressed.
 */
export async function extractTarGz(archive: Buffer, options: ExtractOptions): Promise<ExtractedFile[]> {
  const limits = options.limits ?? DEFAULT_EXTRACT_LIMITS;
  const refuse = (message: string) => new ValidationError(`Invalid ${options.field}: ${message}`, [{ path: options.field, message }]);
  const files = new Map<string, number>();
  let entries = 0;
  let totalBytes = 0;

  const extract = tar.extract();
  // Read errors surface through the entry loop below; this only keeps the rejection handled.
  const feeding = pipeline(Readable.from([archive]), createGunzip(), extract).catch((error: unknown) => error);
  try {
    for await (const entry of extract) {
      const { header } = entry;
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        for await (const _skipped of entry);
        continue;
      }
      entries += 1;
      if (entries > limits.maxEntries) throw refuse(`has more than ${limits.maxEntries} files`);
      const name = confinedName(header.name, options.rootName);
      if ('problem' in name) throw refuse(`entry ${quoteName(header.name)} ${name.problem}`);
      const target = pathInside(options.destination, name.path);
      if (!target) throw refuse(`entry ${quoteName(header.name)} leaves the task folder`);
      const size = await writeEntry(entry, target, (bytes) => {
        totalBytes += bytes;
        if (totalBytes > limits.maxTotalBytes) throw refuse(`unpacks to more than ${limits.maxTotalBytes} bytes`);
      }).catch((error: unknown) => {
        throw isPathClash(error) ? refuse(`entry ${quoteName(header.name)} clashes with another entry`) : error;
      });
      files.set(name.path, size);
    }
    const failure = await feeding;
    if (failure) throw failure;
  } catch (error) {
    extract.destroy();
    await feeding;
    if (error instanceof ValidationError) throw error;
    // The reader's own words (truncated data, bad header) tell the sender what broke.
    throw refuse(`is not a readable gzip tar archive (${error instanceof Error ? error.message : String(error)})`);
  }
  return [...files].map(([name, size]) => ({ name, size })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Writes one entry's bytes; `count` sees each chunk first and may throw to stop. */
async function writeEntry(entry: AsyncIterable<unknown>, target: string, count: (bytes: number) => void): Promise<number> {
  await mkdir(dirname(target), { recursive: true });
  const handle = await open(target, 'w');
  let size = 0;
  try {
    for await (const chunk of entry) {
      // tar-stream types its chunks as unknown; they are Buffers.
      if (!(chunk instanceof Uint8Array)) throw new TypeError('tar entry produced a chunk that is not bytes');
      count(chunk.length);
      size += chunk.length;
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  return size;
}

/** `{root}/a/b.csv` → `a/b.csv`; anything else is a problem. */
function confinedName(entryName: string, rootName: string): { path: string } | { problem: string } {
  const relative = relativePathOf(entryName);
  if ('problem' in relative) return relative;
  const [top, ...rest] = relative.path.split('/');
  if (top !== rootName || rest.length === 0) return { problem: `is not inside the folder "${rootName}/"` };
  return { path: rest.join('/') };
}

/** `a` as a file and `a/b` as another (either order) cannot both exist. */
function isPathClash(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST';
}
