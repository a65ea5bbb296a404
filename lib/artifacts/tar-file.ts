import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export type TarEntry = { name: string; type: 'file' | 'directory'; mtime: Date; content: Buffer };

/**
 * The regular files and folders of an uncompressed tar file on disk, one at a time in archive
 * order (one entry's bytes in memory at once). A file cut short (its writer was killed) ends
 * with the last complete entry; links and other kinds of entry are left out.
 */
export async function* tarFileEntries(path: string): AsyncGenerator<TarEntry> {
  const extract = tar.extract();
  // A short file fails the feed; the loop below then ends with the entries read so far.
  const feeding = pipeline(createReadStream(path), extract).catch(() => {});
  try {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      // tar-stream types its chunks as unknown; they are Buffers.
      for await (const part of entry) parts.push(part as Buffer);
      const { name, type, mtime } = entry.header;
      if (type === 'file' || type === 'directory') yield { name, type, mtime: mtime ?? new Date(0), content: Buffer.concat(parts) };
    }
  } catch {
    // Truncated: the incomplete last entry is not answered.
  } finally {
    extract.destroy();
    await feeding;
  }
}
