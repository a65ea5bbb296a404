import { createContext, Script } from 'node:vm';
import type { JavascriptAction } from '../../schemas/automation/other-actions.js';
import { currentPage, type RunState } from './run-state.js';
import { StepNeedsError } from './step-needs.js';

/** Long enough to define any function; the step's own time limit covers running it. */
const DEFINE_TIMEOUT_MS = 1_000;

/**
 * A javascript_action: `execution_code` evaluates to an async function of Playwright's `page`,
 * which is called with a time limit. This runs code written in the recording, so it only happens
 * where the operator set ALLOW_CODE_STEPS=true (acceptance refuses it elsewhere). The function
 * gets its own global scope without `require` or `process`, which keeps honest code from
 * reaching the worker by accident; it is not a sandbox against hostile code. A returned object's
 * keys become generated variables.
 */
export async function runCodeStep(state: RunState, action: JavascriptAction): Promise<void> {
  const where = `${state.nodePath} (javascript_action)`;
  if (!state.services.allowCodeSteps) throw new StepNeedsError(`${where} runs code from the recording, which this worker only does with ALLOW_CODE_STEPS=true`);
  const log = (...parts: unknown[]) => state.logger.info('code step log', { step_index: state.stepIndex, message: parts.map(String).join(' ') });
  const sandbox = createContext({ console: { log, info: log, warn: log, error: log } });
  let fn: unknown;
  try {
    fn = new Script(`(${action.execution_code}\n)`, { filename: `${state.nodePath}.javascript_action.execution_code` }).runInContext(sandbox, { timeout: DEFINE_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`${where}: execution_code does not evaluate (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof fn !== 'function') throw new Error(`${where}: execution_code must be a function, such as async (page) => { ... }`);
  const ms = action.timeout_seconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${where}: did not finish within ${action.timeout_seconds} s`)), ms);
  });
  try {
    const result: unknown = await Promise.race([Promise.resolve((fn as (page: unknown) => unknown)(currentPage(state))), limit]);
    publish(state, result);
  } finally {
    clearTimeout(timer);
  }
}

function publish(state: RunState, result: unknown): void {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return;
  const record = JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) state.generated[name] = Array.isArray(value) ? value : [value];
  state.outputData.push({ unique_identifier: null, json_data: record });
}
