import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
});
