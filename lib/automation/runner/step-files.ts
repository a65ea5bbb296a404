import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunState } from './run-state.js';
import { MASK, maskSecureValues } from './mask-secure-values.js';
import { stepFolderName, type StepFile } from './step-file-sink.js';

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
 * The contents are taken now and written behind the run (background-writes.ts), as files or
 * into the run's step archive (step-file-sink.ts).
 */
export function writeStepFiles(state: RunState, step: StepRecord): void {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  const files: StepFile[] = [
    ['input_parameters.json', json(state.task.input_parameters)],
    ['secure_parameters.json', json(Object.fromEntries(Object.keys(state.secure).map((name) => [name, MASK])))],
    ['generated_variables.json', json(state.generated)],
    ['output_data.json', json(state.outputData.map(({ screenshot: _shot, ...rest }) => rest))],
  ];
  if (step.node !== null) files.push(['action_node.json', json(step.node)]);
  if (step.snapshot.screenshot) files.push(['screenshot.png', step.snapshot.screenshot]);
  for (const output of step.newOutputs) {
    if (output.screenshot) files.push([`screenshot_${safeName(output.screenshot.filename)}.png`, Buffer.from(output.screenshot.base64, 'base64')]);
  }
  // Taken now: the run goes on changing these while the files wait to be written.
  const title = maskSecureValues(step.snapshot.title, state.secure);
  const url = maskSecureValues(step.snapshot.url, state.secure);
  const tokenUsage = { ...state.tokenUsage };
  state.files.add('step files', { step_index: step.stepIndex }, async () => {
    const downloadedFiles = await readdir(state.paths.downloadsDirectory).catch(() => [] as string[]);
    files.push([
      'state.json',
      json({
        // The page's address and title may carry a secret (a token in a query string): masked above.
        title,
        url,
        step_index: step.stepIndex,
        try_index: step.tryIndex,
        started_at: step.startedAt.toISOString(),
        completed_at: step.completedAt.toISOString(),
        downloaded_files: downloadedFiles,
        token_usage: tokenUsage,
      }),
    ]);
    await state.stepFiles.addStep(step.stepIndex, files);
  });
}

/** The folder of step `stepIndex`'s files; other writers (dialog-log.ts) add their own files to it. */
export function stepDirectory(state: Pick<RunState, 'paths'>, stepIndex: number): string {
  return join(state.paths.logsDirectory, stepFolderName(stepIndex));
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'screenshot';
}
