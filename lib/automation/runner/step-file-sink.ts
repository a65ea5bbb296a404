import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/**
 * How a run writes its step folders (logs/step_N/…):
 * - `folders`: as files in the folders, for people who read them (the task's files are kept);
 * - `archive`: as entries of one tar file, logs/steps.tar, appended as the steps finish. A task
 *   whose files are not kept needs its steps only to pack the trajectory, which packs the entries
 *   as the folders they stand for (lib/artifacts/tar-gz.ts, `expand`). Creating a file costs the
 *   kernel far more than appending the same bytes to an open one (bench/RESULTS.md: a 30-step
 *   run's 250 files against one), so the archive is what a production run writes.
 */
export type StepFilesLayout = 'folders' | 'archive';

/** The archive's name in the logs folder; its entries are named `step_N/state.json` and so on. */
export const STEP_ARCHIVE_FILE = 'steps.tar';

export type StepFile = readonly [name: string, body: string | Buffer];

export type StepFileSink = {
  /** Writes one step folder's files, after those of every step added before. */
  addStep(stepIndex: number, files: readonly StepFile[]): Promise<void>;
  /** Resolves once everything added is written; nothing may be added afterwards. */
  close(): Promise<void>;
};

export function stepFileSink(layout: StepFilesLayout, logsDirectory: string): StepFileSink {
  return layout === 'archive' ? archiveSink(logsDirectory) : folderSink(logsDirectory);
}

/** The name of step `stepIndex`'s folder in the logs folder, as the original names it. */
export function stepFolderName(stepIndex: number): string {
  return `step_${stepIndex}`;
}

function folderSink(logsDirectory: string): StepFileSink {
  return {
    async addStep(stepIndex, files) {
      const dir = join(logsDirectory, stepFolderName(stepIndex));
      await mkdir(dir, { recursive: true });
      await Promise.all(files.map(([name, body]) => writeFile(join(dir, name), body)));
    },
    close: async () => {},
  };
}

function archiveSink(logsDirectory: string): StepFileSink {
  // Opened with the first step: a run that writes no step leaves no archive.
  let open: Promise<{ pack: tar.Pack; written: Promise<void> }> | undefined;
  const start = async () => {
    await mkdir(logsDirectory, { recursive: true });
    const pack = tar.pack();
    // A failed write is answered by close(); the run itself never waits on the disk.
    const written = pipeline(pack, createWriteStream(join(logsDirectory, STEP_ARCHIVE_FILE)));
    written.catch(() => {});
    return { pack, written };
  };
  return {
    async addStep(stepIndex, files) {
      const { pack } = await (open ??= start());
      const folder = stepFolderName(stepIndex);
      const mtime = new Date();
      pack.entry({ name: `${folder}/`, type: 'directory', mode: 0o755, mtime });
      for (const [name, body] of files) pack.entry({ name: `${folder}/${name}`, mode: 0o644, mtime }, body);
    },
    async close() {
      if (!open) return;
      const { pack, written } = await open;
      pack.finalize();
      await written;
    },
  };
}
