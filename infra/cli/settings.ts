import { loadSettings, type Settings } from '../../lib/config/settings.js';
import { AppError, errorMessage } from '../../lib/errors.js';
import type { Io } from './args.js';

/** The settings (ENV_PATH and the environment), or undefined after printing every problem. */
export function settingsOrReport(io: Io): Settings | undefined {
  try {
    return loadSettings().settings;
  } catch (error) {
    io.err(`${error instanceof AppError ? error.message : errorMessage(error)}\n`);
    return undefined;
  }
}
