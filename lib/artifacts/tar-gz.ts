import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { relativePathOf } from '../control-plane/embedded/safe-names.js';
import { tarFileEntries } from './tar-file.js';
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
  /**
   * Paths relative to `rootDir` of uncompressed tar files that stand for the folders they hold
   * (e.g. `logs/steps.tar`, the step folders written as one file): their entries are packed under
   * the tar file's own folder (in the order they were written), as if it had been expanded there,
   * and the tar file itself is not. A file on disk wins over an entry of the same name.
   */
  expand?: string[];
};

/**
 * Packs a directory as a gzip tar whose entries live under `arcName/`, as Python's
 * `tarfile.add(dir, arcname=task_id)` does: each folder's names in sorted order. Symbolic links
 * are skipped so an archive never carries a file from outside the directory. Files are streamed
 * from disk, an expanded tar file's entries one at a time.
 */
export async function createTarGz(rootDir: string, options: TarGzOptions): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  // Read gzip's output to its very end: `pipeline` settles when gzip has taken all input,
  // which can be before its last compressed bytes come out.
  const archive = buffer(gzip);
  const done = pipeline(pack, gzip);
  const walk: Walk = {
    pack,
    rootDir,
    arcName: options.arcName,
    excluded: new Set((options.exclude ?? []).map((path) => path.split('/').join(sep))),
    expanded: new Set((options.expand ?? []).map((path) => path.split('/').join(sep))),
    packed: new Set(),
  };
  try {
    pack.entry({ name: `${options.arcName}/`, type: 'directory', mode: 0o755 });
    await addDirectory(walk, rootDir);
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    throw error;
  }
  const [result] = await Promise.all([archive, done]);
  return result;
}

type Walk = {
  pack: tar.Pack;
  rootDir: string;
  arcName: string;
  excluded: Set<string>;
  expanded: Set<string>;
  /** Every entry name packed so far: a folder both on disk and in an expanded tar is packed once. */
  packed: Set<string>;
};

async function addDirectory(walk: Walk, dir: string): Promise<void> {
  const entries = (await readdir(dir)).sort();
  // Expanded tar files last, so a file on disk is packed under its name before an entry can take it.
  const archives: string[] = [];
  for (const name of entries) {
    const fullPath = join(dir, name);
    const rel = relative(walk.rootDir, fullPath);
    if (walk.excluded.has(rel)) continue;
    const stats = await lstat(fullPath);
    const entryName = `${walk.arcName}/${rel.split(sep).join('/')}`;
    if (stats.isDirectory()) {
      addFolder(walk, `${entryName}/`, stats.mtime);
      await addDirectory(walk, fullPath);
    } else if (stats.isFile() && walk.expanded.has(rel)) {
      archives.push(fullPath);
    } else if (stats.isFile() && !walk.packed.has(entryName)) {
      walk.packed.add(entryName);
      const entry = walk.pack.entry({ name: entryName, size: stats.size, mode: 0o644, mtime: stats.mtime });
      await pipeline(createReadStream(fullPath), entry);
    }
  }
  const folder = dir === walk.rootDir ? walk.arcName : `${walk.arcName}/${relative(walk.rootDir, dir).split(sep).join('/')}`;
  for (const archive of archives) await addTarEntries(walk, archive, folder);
}

function addFolder(walk: Walk, name: string, mtime: Date): void {
  if (walk.packed.has(name)) return;
  walk.packed.add(name);
  walk.pack.entry({ name, type: 'directory', mode: 0o755, mtime });
}

/** The entries of the tar file at `path`, under `folder` (the archive name of its own folder); unsafe names are left out. */
async function addTarEntries(walk: Walk, path: string, folder: string): Promise<void> {
  for await (const entry of tarFileEntries(path)) {
    const rel = relativePathOf(entry.name);
    if ('problem' in rel) continue;
    const name = `${folder}/${rel.path}`;
    if (entry.type === 'directory') {
      addFolder(walk, `${name}/`, entry.mtime);
    } else if (!walk.packed.has(name)) {
      walk.packed.add(name);
      walk.pack.entry({ name, size: entry.content.length, mode: 0o644, mtime: entry.mtime }, entry.content);
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
