import type { BrowserContext, Page } from 'playwright-core';
import type { Logger } from '../../log/logger.js';
import type { Automation } from '../../schemas/automation/automation.js';
import type { ForLoopStatus, OutputData } from '../../schemas/wire/control-plane-requests.js';
import type { Task, taskPaths } from '../../schemas/wire/task.js';
import type { VariableSources } from '../variables/substitute-variables.js';
import type { DialogRecord } from './dialog-log.js';
import type { DownloadCapture } from './download-capture.js';
import type { NetworkLog } from './network-log.js';
import type { RunServices } from './run-services.js';
import type { TokenUsage } from '../../llm/token-usage.js';
import type { StepSummary } from './step-summary.js';
import type { BackgroundWrites } from './background-writes.js';
import type { StepFileSink } from './step-file-sink.js';
import type { PageSessions } from './page-sessions.js';
import type { RunTrace } from './trace.js';

/** Everything one run of an automation reads and writes, passed to every node and action. */
export type RunState = {
  readonly task: Task;
  readonly automation: Automation;
  readonly context: BrowserContext;
  readonly paths: ReturnType<typeof taskPaths>;
  readonly logger: Logger;
  readonly signal: AbortSignal | undefined;
  readonly network: NetworkLog;
  /** Saves every file the run downloads; expected downloads claim theirs through it. */
  readonly downloads: DownloadCapture;
  readonly downloadTimeoutMs: number;
  /** Secure parameter values, resolved once per run. Never written to any file. */
  secure: Record<string, string[]>;
  /** Variables produced by the run (`{name[i]}`); starts empty, as in the original. */
  readonly generated: Record<string, unknown>;
  readonly outputData: OutputData[];
  readonly forLoopStatus: ForLoopStatus[][];
  /** Every JavaScript dialog the run accepted, with the step it opened in (dialog-log.ts). */
  readonly dialogs: DialogRecord[];
  readonly services: RunServices;
  /** Summed over every model call of the run, failed ones included; sent with complete_task. */
  readonly tokenUsage: TokenUsage;
  /** Index of the last step run; the first action node is step 0. */
  stepIndex: number;
  /** Why the last go_to_url did not load its page (null once one does): added to a later failure. */
  navigationFailure: string | null;
  /** JSON path of the node running now (e.g. `nodes[4].nodes[1]`), to name it in errors. */
  nodePath: string;
  /** Every step finished so far, as written to logs/steps.json (step-list.ts). */
  readonly steps: StepSummary[];
  /** Steps that were skipped as optional (skip_prompt) rather than done. */
  readonly skippedSteps: Set<number>;
  /** Steps that asked a model (their folder holds its prompt): known here, so no step asks the disk. */
  readonly askedLlm: Set<number>;
  /** Told of each step as it finishes (the run's progress). */
  readonly onStep: ((step: StepSummary) => void) | undefined;
  /** The run's Playwright trace; each step is a group in it. */
  readonly trace: RunTrace;
  /** Our DevTools session on each page: its latest frame, what a step asked of it. */
  readonly pages: PageSessions;
  /** The step folders and steps.json, written behind the steps. */
  readonly files: BackgroundWrites;
  /** Where the step folders go: files, or the run's step archive. */
  readonly stepFiles: StepFileSink;
};

/** The page commands run on: always the last opened tab, as in the original. */
export function currentPage(state: Pick<RunState, 'context'>): Page {
  const page = state.context.pages().at(-1);
  if (!page) throw new Error('The browser has no open page');
  return page;
}

export function variableSources(state: Pick<RunState, 'task' | 'secure' | 'generated'>): VariableSources {
  return { input: state.task.input_parameters, secure: state.secure, generated: state.generated };
}

/** The names an if/else condition or an expression may read: inputs, then generated variables. */
export function expressionScope(state: Pick<RunState, 'task' | 'generated'>): Record<string, unknown> {
  return { ...state.task.input_parameters, ...state.generated };
}

/** Stops the run between steps once the task has been cancelled or timed out. */
export function throwIfAborted(state: Pick<RunState, 'signal'>): void {
  if (state.signal?.aborted) {
    const reason: unknown = state.signal.reason;
    throw reason instanceof Error ? reason : new Error('The task was stopped');
  }
}

/** The page's title as the browser holds it (page-sessions.ts), else as Playwright reads it; '' when neither can. */
export function pageTitle(state: RunState, page: Page): Promise<string> {
  return state.pages.title(page).then((read) => read ?? page.title()).catch(() => '');
}
