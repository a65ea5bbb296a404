import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maskSecureValues } from './mask-secure-values.js';
import type { RunState } from './run-state.js';
import { STEPS_FILE, type StepOutcome, type StepSummary, type StepsFile } from './step-summary.js';

/** What a node runner knows about its step; the rest is read from the run and the step folder. */
export type StepEnd = {
  stepIndex: number;
  nodePath: string;
  action: string;
  /** The command after substitution, before masking. */
  command: string | null;
  startedAt: Date;
  completedAt: Date;
  failure: unknown;
  url: string;
  title: string;
  /** Whether the step's screenshot.png was written. */
  screenshot: boolean;
};

/** The `command` of the action's sub-action (e.g. interaction_action.click_element.command), if any. */
export function actionCommand(action: unknown, kind: string): string | null {
  let value: unknown = action;
  for (const key of kind.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const command = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).command : undefined;
  return typeof command === 'string' ? command : null;
}

/** Called by an element action that skipped its optional step, so the step list says so. */
export function markStepSkipped(state: Pick<RunState, 'stepIndex' | 'skippedSteps'>): void {
  state.skippedSteps.add(state.stepIndex);
}

/**
 * Adds one finished step to the run's list, rewrites logs/steps.json (so a run that dies later
 * still leaves the steps so far) and tells the run's onStep. Never throws: the list is for people
 * reading the run, and must not change how it ends.
 */
export function recordStep(state: RunState, end: StepEnd): StepSummary {
  const outcome: StepOutcome = end.failure !== undefined ? 'failed' : state.skippedSteps.has(end.stepIndex) ? 'skipped' : 'success';
  const step: StepSummary = {
    step_index: end.stepIndex,
    node_path: end.nodePath,
    action: end.action,
    locator: end.command === null ? null : maskSecureValues(end.command, state.secure),
    started_at: end.startedAt.toISOString(),
    completed_at: end.completedAt.toISOString(),
    duration_ms: end.completedAt.getTime() - end.startedAt.getTime(),
    outcome,
    error: end.failure === undefined ? null : maskSecureValues(end.failure instanceof Error ? end.failure.message : String(end.failure), state.secure),
    // The page's address and title may carry a secret (a token in a query string).
    url: maskSecureValues(end.url, state.secure),
    title: maskSecureValues(end.title, state.secure),
    screenshot: end.screenshot ? `step_${end.stepIndex}/screenshot.png` : null,
    asked_llm: state.askedLlm.has(end.stepIndex),
  };
  state.steps.push(step);
  writeStepsFile(state, end.stepIndex);
  try {
    state.onStep?.(step);
  } catch (error) {
    state.logger.warn('the onStep callback threw', { step_index: end.stepIndex, error });
  }
  return step;
}

/** Runs whose steps.json write is queued and not yet begun: that write will list their latest steps. */
const stepListQueued = new WeakSet<RunState>();

/**
 * Written aside then renamed, so a reader (the dashboard, a tail) never sees half a file. Steps
 * that finish while a write waits in the queue share it: the list is serialized when the write
 * begins, so a long run does not rewrite its growing list once per step.
 */
function writeStepsFile(state: RunState, stepIndex: number): void {
  if (stepListQueued.has(state)) return;
  stepListQueued.add(state);
  const file = join(state.paths.logsDirectory, STEPS_FILE);
  state.files.add('the step list', { step_index: stepIndex }, async () => {
    stepListQueued.delete(state);
    const body: StepsFile = { steps: state.steps };
    const text = JSON.stringify(body, null, 2);
    await mkdir(state.paths.logsDirectory, { recursive: true });
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  });
}
