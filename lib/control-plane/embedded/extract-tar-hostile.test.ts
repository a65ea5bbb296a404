import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { extractTarGz } from './extract-tar.js';

type Entry = { name: string; type?: 'file' | 'symlink' | 'link'; linkname?: string; content?: string };

/** Archives a worker would never send: each entry tries to write outside the task folder. */
async function tarGzOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = pipeline(pack, gzip);
  for (const { content, ...header } of entries) pack.entry(header, content ?? '');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('extractTarGz with hostile entries', () => {
  let root: string;
  let destination: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'extract-hostile-'));
    destination = join(root, 'dest');
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  const extract = (archive: Buffer) => extractTarGz(archive, { rootName: 'task-1', destination, field: 'compressed_downloads' });

  it.each([
    ['task-1/../../outside.txt', 'contains ".."'],
    ['/etc/cron.d/evil', 'is an absolute path'],
    ['task-1/a\\..\\..\\evil', 'contains a backslash'],
    ['other-task/a.txt', 'is not inside the folder "task-1/"'],
  ])('refuses %j: %s', async (name, problem) => {
    const failure = await extract(await tarGzOf([{ name, content: 'x' }])).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as Error).message).toContain(problem);
    expect(await readdir(root)).not.toContain('outside.txt');
  });

  it('writes no symlink or hard link, so a later file under the link name stays inside', async () => {
    const archive = await tarGzOf([
      { name: 'task-1/link', type: 'symlink', linkname: root },
      { name: 'task-1/hard', type: 'link', linkname: '/etc/passwd' },
      { name: 'task-1/link/planted.txt', content: 'inside' },
    ]);
    expect(await extract(archive)).toEqual([{ name: 'link/planted.txt', size: 6 }]);
    expect((await lstat(join(destination, 'link'))).isDirectory()).toBe(true);
    expect(await readdir(root)).toEqual(['dest']);
    await expect(lstat(join(destination, 'hard'))).rejects.toThrow();
  });
});
