import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import * as z from 'zod';
import type { StepSummary } from '../../../automation/runner/step-summary.js';
import { STEPS_FILE } from '../../../automation/runner/step-summary.js';
import { relativePathOf } from '../safe-names.js';

/**
 * Reads single files out of a task's stored `trajectory.tar.gz` (`{task_id}/logs/…` entries)
 * in memory, without unpacking it to disk. Limits keep a hostile archive from costing more
 * than a bounded amount of memory and time.
 */
export type TrajectoryLimits = { maxEntries: number; maxEntryBytes: number };

export const DEFAULT_TRAJECTORY_LIMITS: TrajectoryLimits = { maxEntries: 20_000, maxEntryBytes: 256 * 1024 * 1024 };
/** steps.json is small text; anything larger is not one we wrote. */
const MAX_STEPS_BYTES = 16 * 1024 * 1024;

export type EntryResult = { kind: 'found'; content: Buffer } | { kind: 'missing' } | { kind: 'too-large' } | { kind: 'unreadable' };

/** The file `logs/{path}` of the archive; `path` must be a safe relative path. */
export async function readLogsEntry(archive: Buffer, taskId: string, path: string, limits: TrajectoryLimits = DEFAULT_TRAJECTORY_LIMITS): Promise<EntryResult> {
  const wanted = relativePathOf(path);
  if ('problem' in wanted) return { kind: 'missing' };
  const target = `${taskId}/logs/${wanted.path}`;
  const extract = tar.extract();
  // Stopping early destroys the stream; that rejection is expected and kept handled here.
  const feeding = pipeline(Readable.from([archive]), createGunzip(), extract).catch((error: unknown) => error);
  let entries = 0;
  let result: EntryResult = { kind: 'missing' };
  try {
    for await (const entry of extract) {
      entries += 1;
      const name = relativePathOf(entry.header.name);
      const isTarget = entry.header.type === 'file' && !('problem' in name) && name.path === target;
      if (!isTarget) {
        if (entries >= limits.maxEntries) break;
        for await (const _skipped of entry);
        continue;
      }
      if ((entry.header.size ?? 0) > limits.maxEntryBytes) {
        result = { kind: 'too-large' };
        break;
      }
      const parts: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry) {
        const bytes = chunk as Buffer;
        size += bytes.length;
        if (size > limits.maxEntryBytes) break;
        parts.push(bytes);
      }
      result = size > limits.maxEntryBytes ? { kind: 'too-large' } : { kind: 'found', content: Buffer.concat(parts) };
      break;
    }
    if (result.kind === 'missing' && entries < limits.maxEntries) {
      const failure = await feeding;
      if (failure) return { kind: 'unreadable' };
    }
  } catch {
    return { kind: 'unreadable' };
  } finally {
    extract.destroy();
    await feeding;
  }
  return result;
}

const Step = z.object({
  step_index: z.number(),
  node_path: z.string(),
  action: z.string(),
  locator: z.string().nullable().default(null),
  started_at: z.string(),
  completed_at: z.string(),
  duration_ms: z.number(),
  outcome: z.enum(['success', 'failed', 'skipped']),
  error: z.string().nullable().default(null),
  url: z.string().default(''),
  title: z.string().default(''),
  screenshot: z.string().nullable().default(null),
  asked_llm: z.boolean().default(false),
}) satisfies z.ZodType<StepSummary, unknown>;

const StepsFileSchema = z.object({ steps: z.array(Step) });

export type StepsResult = { kind: 'steps'; steps: StepSummary[] } | { kind: 'none' } | { kind: 'invalid'; reason: string };

/** `logs/steps.json` parsed by its contract, or why there is no list. */
export async function readSteps(archive: Buffer, taskId: string): Promise<StepsResult> {
  const entry = await readLogsEntry(archive, taskId, STEPS_FILE, { ...DEFAULT_TRAJECTORY_LIMITS, maxEntryBytes: MAX_STEPS_BYTES });
  if (entry.kind === 'missing') return { kind: 'none' };
  if (entry.kind === 'too-large') return { kind: 'invalid', reason: `${STEPS_FILE} is larger than ${MAX_STEPS_BYTES} bytes` };
  if (entry.kind === 'unreadable') return { kind: 'invalid', reason: 'the trajectory is not a readable gzip tar archive' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.content.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: `${STEPS_FILE} is not valid JSON` };
  }
  const result = StepsFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { kind: 'invalid', reason: `${STEPS_FILE} does not match its contract (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})` };
  }
  return { kind: 'steps', steps: result.data.steps };
}

/** Whether the archive holds `logs/{path}`, without keeping its bytes. */
export async function hasLogsEntry(archive: Buffer, taskId: string, path: string): Promise<boolean> {
  const entry = await readLogsEntry(archive, taskId, path, { ...DEFAULT_TRAJECTORY_LIMITS, maxEntryBytes: 0 });
  // With no bytes allowed, a present file answers too-large (or found when it is empty).
  return entry.kind === 'found' || entry.kind === 'too-large';
}
