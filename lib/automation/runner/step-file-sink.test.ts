import { mkdtemp, readdir, readFile, rm, truncate, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTarGz, readTarGz } from '../../artifacts/tar-gz.js';
import { STEP_ARCHIVE_FILE, stepFileSink, type StepFile, type StepFilesLayout } from './step-file-sink.js';

const STEPS: [number, StepFile[]][] = [
  [0, [['state.json', '{"step_index":0}'], ['screenshot.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])]]],
  [1, [['state.json', '{"step_index":1}'], ['action_node.json', '{}'], ['output_data.json', '[{"text":"é ✓"}]']]],
  [2, [['state.json', '{"step_index":2}'], ['screenshot_a-very-long-output-screenshot-name-that-needs-more-than-one-hundred-characters-in-a-tar-header-xxxxxxxxxxxxxxxx.png', Buffer.alloc(70_000, 7)]]],
];

describe('step folders written as files or as one archive', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'step-sink-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function writeSteps(layout: StepFilesLayout, taskDirectory: string): Promise<void> {
    const logs = join(taskDirectory, 'logs');
    const sink = stepFileSink(layout, logs);
    for (const [index, files] of STEPS) await sink.addStep(index, files);
    await sink.close();
  }

  // Sorted: an archive's entries are packed in the order they were written, a folder's by name.
  const packed = async (taskDirectory: string) =>
    (await readTarGz(await createTarGz(taskDirectory, { arcName: 't', expand: [`logs/${STEP_ARCHIVE_FILE}`] })))
      .map((file) => [file.path, file.content.toString('base64')] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));

  it('folders: each step is a folder of files', async () => {
    await writeSteps('folders', root);
    expect((await readdir(join(root, 'logs'))).sort()).toEqual(['step_0', 'step_1', 'step_2']);
    expect(await readFile(join(root, 'logs', 'step_1', 'output_data.json'), 'utf8')).toBe('[{"text":"é ✓"}]');
  });

  it('archive: one file in the logs folder, and the trajectory packs the same files as the folders would give', async () => {
    const folders = join(root, 'folders');
    const archive = join(root, 'archive');
    await writeSteps('folders', folders);
    await writeSteps('archive', archive);
    expect(await readdir(join(archive, 'logs'))).toEqual([STEP_ARCHIVE_FILE]);
    const fromArchive = await packed(archive);
    expect(fromArchive.map(([path]) => path)).toContain('t/logs/step_2/screenshot_a-very-long-output-screenshot-name-that-needs-more-than-one-hundred-characters-in-a-tar-header-xxxxxxxxxxxxxxxx.png');
    expect(fromArchive).toEqual(await packed(folders));
  });

  it('archive: a step folder that also holds files on disk (a model prompt) is packed as one folder with both', async () => {
    await writeSteps('archive', root);
    await mkdir(join(root, 'logs', 'step_1'), { recursive: true });
    await writeFile(join(root, 'logs', 'step_1', 'final_prompt.txt'), 'the prompt');
    await writeFile(join(root, 'logs', 'steps.json'), '{"steps":[]}');
    const archive = await createTarGz(root, { arcName: 't', expand: [`logs/${STEP_ARCHIVE_FILE}`] });
    const paths = (await readTarGz(archive)).map((file) => file.path);
    expect(paths.filter((path) => path.startsWith('t/logs/step_1/')).sort()).toEqual(['t/logs/step_1/action_node.json', 't/logs/step_1/final_prompt.txt', 't/logs/step_1/output_data.json', 't/logs/step_1/state.json']);
    expect(paths).toContain('t/logs/steps.json');
    expect(paths.some((path) => path.endsWith(STEP_ARCHIVE_FILE))).toBe(false);
  });

  it('archive: a run that writes no step leaves no archive', async () => {
    const sink = stepFileSink('archive', join(root, 'logs'));
    await sink.close();
    await expect(stat(join(root, 'logs', STEP_ARCHIVE_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('archive cut short (the worker was killed mid-run): the complete steps are packed, the cut one is not', async () => {
    await writeSteps('archive', root);
    const file = join(root, 'logs', STEP_ARCHIVE_FILE);
    // Into the 70 kB screenshot of step 2.
    await truncate(file, (await stat(file)).size - 40_000);
    const paths = (await packed(root)).map(([path]) => path);
    expect(paths).toContain('t/logs/step_1/output_data.json');
    expect(paths).toContain('t/logs/step_2/state.json');
    expect(paths.some((path) => path.startsWith('t/logs/step_2/screenshot_'))).toBe(false);
  });
});
