/**
 * One step of a run as people read it (the dashboard's timeline, the CLI's progress, the
 * trajectory's logs/steps.json): which node, what it did, how long it took, how it ended.
 */
export type StepOutcome = 'success' | 'failed' | 'skipped';

export type StepSummary = {
  step_index: number;
  /** JSON path of the node in the recording, e.g. `nodes[4].nodes[1]`. */
  node_path: string;
  /** The action kind, e.g. `interaction_action.click_element`. */
  action: string;
  /** The recorded locator command after substitution (secure values masked), or null. */
  locator: string | null;
  started_at: string;
  completed_at: string;
  duration_ms: number;
  outcome: StepOutcome;
  error: string | null;
  /** The page the step started on. */
  url: string;
  title: string;
  /** Relative to the task's logs folder (`step_3/screenshot.png`), null when none was taken. */
  screenshot: string | null;
  /** True when the step asked a model (its llm_response.json is beside the screenshot). */
  asked_llm: boolean;
};

/** The file, under the task's logs folder, that lists the steps run so far. */
export const STEPS_FILE = 'steps.json';
/** The Playwright trace of the run, under the task's logs folder. */
export const TRACE_FILE = 'trace.zip';

export type StepsFile = { steps: StepSummary[] };
