import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { AppError, RecordingInvalidError, ValidationError } from '../../errors.js';
import { recordingOf } from '../../automation/recording-of.js';
import { BASE_CAPABILITIES, type WorkerCapabilities } from '../../automation/worker-capabilities.js';
import { validateRecording } from '../../automation/validate-recording.js';
import type { Automation } from '../../schemas/automation/automation.js';

/**
 * Recordings live in AUTOMATIONS_DIR as `{endpoint_name}.json` files holding
 * `{"endpoint_name": "...", "automation": {...}}`. They are read at request time, so editing a
 * file takes effect on the next inference without a restart.
 */
export type Recordings = ReturnType<typeof createRecordings>;

export type LoadedRecording = {
  endpointName: string;
  /** The automation exactly as stored: this is what the worker receives. */
  raw: Record<string, unknown>;
  automation: Automation;
  warnings: string[];
};

/** Endpoint names become file names: letters, digits, `_` and `-` only. */
const ENDPOINT_NAME = /^[A-Za-z0-9_-]{1,128}$/;

const RawObject = z.record(z.string(), z.unknown());

export function checkEndpointName(name: string, path: string): void {
  if (!ENDPOINT_NAME.test(name)) {
    const message = 'must be 1-128 letters, digits, "_" or "-"';
    throw new ValidationError(`Invalid ${path}: ${message}`, [{ path, message }]);
  }
}

/**
 * The recording accepted by the worker's own check, or RECORDING_INVALID with every problem. The
 * control plane shares the worker's settings, so code steps count as allowed when they are.
 */
export function validateAutomation(endpointName: string, value: unknown, capabilities: WorkerCapabilities = BASE_CAPABILITIES): Omit<LoadedRecording, 'endpointName'> {
  const raw = RawObject.safeParse(value);
  if (!raw.success) throw new RecordingInvalidError(endpointName, [{ path: '(automation)', message: 'must be a JSON object' }]);
  const result = validateRecording(raw.data, capabilities);
  if (!result.ok) throw new RecordingInvalidError(endpointName, result.problems);
  return { raw: raw.data, automation: result.automation, warnings: result.warnings };
}

export function createRecordings(directory: string, capabilities: WorkerCapabilities = BASE_CAPABILITIES) {
  const fileOf = (name: string) => join(directory, `${name}.json`);

  return {
    directory,

    /** Reads and validates `{name}.json`; the name must already pass `checkEndpointName`. */
    async load(endpointName: string): Promise<LoadedRecording> {
      let text: string;
      try {
        text = await readFile(fileOf(endpointName), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR') {
          throw new AppError('RECORDING_NOT_FOUND', `No recording named "${endpointName}" (looked for ${endpointName}.json in AUTOMATIONS_DIR)`);
        }
        throw error;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new RecordingInvalidError(endpointName, [{ path: '(file)', message: `${endpointName}.json is not valid JSON: ${(error as Error).message}` }]);
      }
      return { endpointName, ...validateAutomation(endpointName, recordingOf(parsed), capabilities) };
    },

    /** Writes the file whole (temporary file, then rename), so a reader never sees half of it. */
    async save(endpointName: string, automation: Record<string, unknown>): Promise<{ created: boolean }> {
      await mkdir(directory, { recursive: true });
      const path = fileOf(endpointName);
      const existed = await stat(path).then(
        () => true,
        () => false,
      );
      const temporary = join(directory, `.${endpointName}.${randomUUID()}.tmp`);
      try {
        await writeFile(temporary, `${JSON.stringify({ endpoint_name: endpointName, automation }, null, 2)}\n`);
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { created: !existed };
    },

    async list(): Promise<string[]> {
      const names = await readdir(directory).catch(() => [] as string[]);
      return names
        .filter((name) => name.endsWith('.json'))
        .map((name) => name.slice(0, -'.json'.length))
        .filter((name) => ENDPOINT_NAME.test(name))
        .sort();
    },
  };
}
