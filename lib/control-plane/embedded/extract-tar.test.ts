import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { extractTarGz } from './extract-tar.js';

async function tarGzOf(entries: Array<{ name: string; content: string }>): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = pipeline(pack, gzip);
  for (const entry of entries) pack.entry({ name: entry.name }, entry.content);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('extractTarGz', () => {
  let destination: string;
  beforeEach(async () => {
    destination = await mkdtemp(join(tmpdir(), 'extract-test-'));
  });
  afterEach(async () => rm(destination, { recursive: true, force: true }));

  const extract = (archive: Buffer, limits = { maxEntries: 10, maxTotalBytes: 1024 }) =>
    extractTarGz(archive, { rootName: 'task-1', destination, field: 'compressed_downloads', limits });

  it('writes the files under the root folder, a repeated name keeping the last one', async () => {
    const archive = await tarGzOf([
      { name: 'task-1/a.csv', content: 'first' },
      { name: 'task-1/sub/b.txt', content: 'bb' },
      { name: 'task-1/a.csv', content: 'last' },
    ]);
    expect(await extract(archive)).toEqual([
      { name: 'a.csv', size: 4 },
      { name: 'sub/b.txt', size: 2 },
    ]);
  });

  it('stops at the byte limit, naming the field', async () => {
    const archive = await tarGzOf([{ name: 'task-1/big.bin', content: 'x'.repeat(2048) }]);
    const error = await extract(archive).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([{ path: 'compressed_downloads', message: 'unpacks to more than 1024 bytes' }]);
  });

  it('stops at the file-count limit', async () => {
    const archive = await tarGzOf(Array.from({ length: 3 }, (_, index) => ({ name: `task-1/${index}.txt`, content: 'x' })));
    await expect(extract(archive, { maxEntries: 2, maxTotalBytes: 1024 })).rejects.toThrow('has more than 2 files');
  });

  it('refuses a file and a folder of the same name', async () => {
    const archive = await tarGzOf([
      { name: 'task-1/a', content: 'file' },
      { name: 'task-1/a/b', content: 'inside' },
    ]);
    await expect(extract(archive)).rejects.toThrow('clashes with another entry');
  });

  it('refuses what is not a gzip tar', async () => {
    await expect(extract(Buffer.from('not an archive'))).rejects.toThrow('is not a readable gzip tar archive');
    expect(await readdir(destination)).toEqual([]);
  });
});
