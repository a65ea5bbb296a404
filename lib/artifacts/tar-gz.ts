import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { createGzip, createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import tar from 'tar-stream';

export type TarGzOptions = {
  /** Top-level folder name inside the archive (the original uses the task id). */
  arcName: string;
  /** Paths relative to `rootDir` left out, with everything below them (e.g. `downloads`). */
  exclude?: string[];
};

/**
 * Packs a directory as a gzip tar whose entries live under `arcName/`, as Python's
 * `tarfile.add(dir, arcname=task_id)` does. Symbolic links are skipped so an archive never
 * carries a file from outside the directory.
 */
export async function createTarGz(rootDir: string, options: TarGzOptions): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  // Read gzip's output to its very end: `pipeline` settles when gzip has taken all input,
  // which can be before its last compressed bytes come out.
  const archive = buffer(gzip);
  const done = pipeline(pack, gzip);
  const excluded = new Set((options.exclude ?? []).map((path) => path.split('/').join(sep)));
  try {
    pack.entry({ name: `${options.arcName}/`, type: 'directory', mode: 0o755 });
    await addDirectory(pack, rootDir, rootDir, options.arcName, excluded);
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    throw error;
  }
  const [result] = await Promise.all([archive, done]);
  return result;
}

async function addDirectory(pack: tar.Pack, rootDir: string, dir: string, arcName: string, excluded: Set<string>): Promise<void> {
  const entries = (await readdir(dir)).sort();
  for (const name of entries) {
    const fullPath = join(dir, name);
    const rel = relative(rootDir, fullPath);
    if (excluded.has(rel)) continue;
    const stats = await lstat(fullPath);
    const entryName = `${arcName}/${rel.split(sep).join('/')}`;
    if (stats.isDirectory()) {
      pack.entry({ name: `${entryName}/`, type: 'directory', mode: 0o755, mtime: stats.mtime });
      await addDirectory(pack, rootDir, fullPath, arcName, excluded);
    } else if (stats.isFile()) {
      const entry = pack.entry({ name: entryName, size: stats.size, mode: 0o644, mtime: stats.mtime });
      await pipeline(createReadStream(fullPath), entry);
    }
  }
}

export type TarFile = { path: string; content: Buffer };

/** Reads every regular file of a gzip tar (for the control plane and for tests). */
export async function readTarGz(archive: Buffer): Promise<TarFile[]> {
  const extract = tar.extract();
  const files: TarFile[] = [];
  extract.on('entry', (header, stream, next) => {
    const parts: Buffer[] = [];
    stream.on('data', (part: unknown) => parts.push(part as Buffer));
    stream.on('end', () => {
      if (header.type === 'file') files.push({ path: header.name, content: Buffer.concat(parts) });
      next();
    });
    stream.resume();
  });
  await pipeline(Readable.from([archive]), createGunzip(), extract);
  return files;
}
