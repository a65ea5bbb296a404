import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunState } from './run-state.js';
import { MASK, maskSecureValues } from './mask-secure-values.js';

export type BrowserSnapshot = { url: string; title: string; screenshot: Buffer | null };

export type StepRecord = {
  stepIndex: number;
  tryIndex: number;
  startedAt: Date;
  completedAt: Date;
  snapshot: BrowserSnapshot;
  /** The node as recorded (before substitution, so no secret value is ever written). */
  node: unknown;
  /** Output records this step added. */
  newOutputs: RunState['outputData'];
};

/**
 * The original's per-step folder `logs/step_{N}/`: state.json, screenshot.png, the node, the
 * variables and the outputs so far. Secure parameter values are written as their names only.
 */
export async function writeStepFiles(state: RunState, step: StepRecord): Promise<void> {
  const dir = stepDirectory(state, step.stepIndex);
  await mkdir(dir, { recursive: true });
  const downloadedFiles = await readdir(state.paths.downloadsDirectory).catch(() => [] as string[]);
  const json = (name: string, value: unknown) => writeFile(join(dir, name), JSON.stringify(value, null, 2));
  const writes: Promise<void>[] = [
    json('state.json', {
      // The page's address and title may carry a secret (a token in a query string).
      title: maskSecureValues(step.snapshot.title, state.secure),
      url: maskSecureValues(step.snapshot.url, state.secure),
      step_index: step.stepIndex,
      try_index: step.tryIndex,
      started_at: step.startedAt.toISOString(),
      completed_at: step.completedAt.toISOString(),
      downloaded_files: downloadedFiles,
      token_usage: { ...state.tokenUsage },
    }),
    json('input_parameters.json', state.task.input_parameters),
    json('secure_parameters.json', Object.fromEntries(Object.keys(state.secure).map((name) => [name, MASK]))),
    json('generated_variables.json', state.generated),
    json('output_data.json', state.outputData.map(({ screenshot: _shot, ...rest }) => rest)),
  ];
  if (step.node !== null) writes.push(json('action_node.json', step.node));
  if (step.snapshot.screenshot) writes.push(writeFile(join(dir, 'screenshot.png'), step.snapshot.screenshot));
  for (const output of step.newOutputs) {
    if (output.screenshot) writes.push(writeFile(join(dir, `screenshot_${safeName(output.screenshot.filename)}.png`), Buffer.from(output.screenshot.base64, 'base64')));
  }
  await Promise.all(writes);
}

/** The folder of step `stepIndex`'s files; other writers (dialog-log.ts) add their own files to it. */
export function stepDirectory(state: Pick<RunState, 'paths'>, stepIndex: number): string {
  return join(state.paths.logsDirectory, `step_${stepIndex}`);
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'screenshot';
}
