import { resolve } from 'node:path';
import type { RunServices } from './run-services.js';

/** What a run's file steps may read and how much they may fetch or download. */
export type FileLimits = {
  /** upload_file.file_path must resolve (symlinks included) to a file inside this folder. */
  uploadFilesDir: string;
  fetchMaxBytes: number;
  fetchTimeoutMs: number;
  maxDownloadBytes: number;
  maxLoopIterations: number;
};

/** The settings' defaults, for runs built without settings (tests, the library API). */
export function fileLimits(services: Pick<RunServices, 'files'>): FileLimits {
  return {
    uploadFilesDir: resolve(services.files?.uploadFilesDir ?? './uploads'),
    fetchMaxBytes: services.files?.fetchMaxBytes ?? 100 * 1024 * 1024,
    fetchTimeoutMs: services.files?.fetchTimeoutMs ?? 120_000,
    maxDownloadBytes: services.files?.maxDownloadBytes ?? 500 * 1024 * 1024,
    maxLoopIterations: services.files?.maxLoopIterations ?? 10_000,
  };
}
