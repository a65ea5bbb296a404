import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { createTarGz, readTarGz } from './tar-gz.js';

describe('createTarGz', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tar-test-'));
    await mkdir(join(dir, 'logs', 'step_0'), { recursive: true });
    await mkdir(join(dir, 'downloads'), { recursive: true });
    await writeFile(join(dir, 'logs', 'step_0', 'state.json'), '{"step_index":0}');
    await writeFile(join(dir, 'downloads', 'report.csv'), 'a,b\n1,2\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('puts every file under the archive name and round-trips the bytes', async () => {
    const files = await readTarGz(await createTarGz(dir, { arcName: 'task-1' }));
    expect(files.map((f) => f.path).sort()).toEqual(['task-1/downloads/report.csv', 'task-1/logs/step_0/state.json']);
    expect(files.find((f) => f.path.endsWith('report.csv'))?.content.toString()).toBe('a,b\n1,2\n');
  });

  it('leaves out excluded folders such as downloads', async () => {
    const files = await readTarGz(await createTarGz(dir, { arcName: 'task-1', exclude: ['downloads'] }));
    expect(files.map((f) => f.path)).toEqual(['task-1/logs/step_0/state.json']);
  });

  it('skips symbolic links so no file from outside the directory is packed', async () => {
    await symlink('/etc/hostname', join(dir, 'logs', 'escape'));
    const files = await readTarGz(await createTarGz(dir, { arcName: 't' }));
    expect(files.some((f) => f.path.includes('escape'))).toBe(false);
  });

  it('always ends the archive: 300 archives of an empty folder in a row all read back whole', async () => {
    const empty = join(dir, 'downloads', 'empty');
    await mkdir(empty);
    for (let i = 0; i < 300; i++) {
      const files = await readTarGz(await createTarGz(empty, { arcName: `t${i}` }));
      expect(files).toEqual([]);
    }
  });

  it('packs the entries of an expanded tar file under its folder, leaving out names that leave it', async () => {
    const pack = tar.pack();
    const written = pipeline(pack, createWriteStream(join(dir, 'logs', 'held.tar')));
    pack.entry({ name: 'step_1/state.json' }, '{"step_index":1}');
    pack.entry({ name: '../outside.txt' }, 'no');
    pack.entry({ name: '/etc/absolute.txt' }, 'no');
    pack.entry({ name: 'step_0/state.json' }, 'the file on disk wins');
    pack.finalize();
    await written;
    const files = await readTarGz(await createTarGz(dir, { arcName: 't', exclude: ['downloads'], expand: ['logs/held.tar'] }));
    expect(Object.fromEntries(files.map((f) => [f.path, f.content.toString()]))).toEqual({
      't/logs/step_0/state.json': '{"step_index":0}',
      't/logs/step_1/state.json': '{"step_index":1}',
    });
  });
});
