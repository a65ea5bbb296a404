import type { Page } from 'playwright-core';
import type { ActionNode } from '../../schemas/automation/action-node.js';
import { actionKindOf } from '../../schemas/automation/action-kind.js';
import { runExtraction } from './extraction/run-extraction.js';
import { runInteraction } from './interaction/run-interaction.js';
import { runCodeStep } from './run-code-step.js';
import { runFetch2fa } from './run-fetch-2fa.js';
import { runHumanInLoop } from './run-human-in-loop.js';
import { agentUnavailable } from './step-needs.js';
import { markTwoFaStart } from './extraction/two-fa-start.js';
import { runLlmAssertion } from './llm/run-llm-assertion.js';
import { runLlmQuery } from './llm/run-llm-query.js';
import { countLocator, setVariable } from './misc-actions.js';
import { currentPage, pageTitle, variableSources, type RunState } from './run-state.js';
import { waitAfterStep, watchStep, type StepWatch } from './wait-after-step.js';
import { writeStepFiles, type BrowserSnapshot } from './step-files.js';
import { actionCommand, recordStep } from './step-list.js';
import { substituteActionNode } from './substitute-action-node.js';
import { stepLabel } from './trace.js';
import { sleep } from './wait.js';

/**
 * One action node, as the original's run_action_node: the before-sleep, a step number, the
 * variables filled in, a snapshot of the page, the action, the step's files, then the wait for
 * a new tab or for the page to load (end_sleep_time is an upper bound, not a fixed sleep).
 */
export async function runActionNode(state: RunState, node: ActionNode): Promise<void> {
  await sleep(node.before_sleep_time * 1000, state.signal);
  state.stepIndex += 1;
  const stepIndex = state.stepIndex;
  const kind = actionKindOf(node);
  const nodePath = state.nodePath;
  await state.trace.group(stepLabel(stepIndex, kind, nodePath));
  let navigation: StepWatch | undefined;
  try {
    const startedAt = new Date();
    const outputsBefore = state.outputData.length;
    const action = substituteActionNode(node, variableSources(state));
    const page = currentPage(state);
    const taken = await snapshotPage(state, page);
    const pagesBefore = state.context.pages().length;
    // A page just opened (the first step, a new tab) may still be opening its session: without
    // it, the step could not tell whether it navigated and would wait for a load after it.
    await state.pages.ready(page, SESSION_READY_MS);
    navigation = watchStep(page, state.pages);
    let failure: unknown;
    try {
      await dispatch(state, action);
      // Asked now, so its round trip to the page overlaps the step's files and log line below.
      if (!node.expect_new_tab && node.end_sleep_time > 0) void navigation.asked();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const completedAt = new Date();
      const snapshot: BrowserSnapshot = { ...taken, title: await taken.title };
      writeStepFiles(state, { stepIndex, tryIndex: 0, startedAt, completedAt, snapshot, node, newOutputs: state.outputData.slice(outputsBefore) });
      const step = recordStep(state, {
        stepIndex,
        nodePath,
        action: kind,
        command: actionCommand(action, kind),
        startedAt,
        completedAt,
        failure,
        url: snapshot.url,
        title: snapshot.title,
        screenshot: snapshot.screenshot !== null,
      });
      state.logger.info('step finished', {
        step_index: stepIndex,
        node_path: nodePath,
        action: kind,
        duration_ms: step.duration_ms,
        outcome: step.outcome,
        ...(step.error === null ? {} : { error: step.error }),
      });
    }
    if (node.expect_new_tab) await waitForNewTab(state, pagesBefore, node.max_new_tab_wait_time);
    else await waitAfterStep(state.context, navigation, node.end_sleep_time, state.signal);
  } finally {
    navigation?.stop();
    await state.trace.endGroup();
  }
}

async function dispatch(state: RunState, node: ActionNode): Promise<void> {
  if (node.interaction_action) {
    // network_call extractions read what happened since the last interaction; a 2FA window starts with it.
    state.network.clear();
    markTwoFaStart(state);
    return runInteraction(state, node.interaction_action);
  }
  if (node.extraction_action) return runExtraction(state, node.extraction_action);
  if (node.sleep_action) return sleep(node.sleep_action.sleep_time * 1000, state.signal);
  if (node.fail_state_action) throw new Error(node.fail_state_action.failure_message);
  if (node.misc_action) {
    if (node.misc_action.set_variable) return setVariable(state, node.misc_action.set_variable);
    if (node.misc_action.llm_query) return runLlmQuery(state, node.misc_action.llm_query);
    if (node.misc_action.count_locator) return countLocator(state, node.misc_action.count_locator);
    return;
  }
  if (node.assertion_action?.llm) return runLlmAssertion(state, node.assertion_action.llm);
  if (node.captcha_action) throw agentUnavailable(state, 'captcha_action');
  if (node.human_in_loop_action) return runHumanInLoop(state, node.human_in_loop_action);
  if (node.fetch_2fa_action) return runFetch2fa(state, node.fetch_2fa_action);
  if (node.javascript_action) return runCodeStep(state, node.javascript_action);
  // Acceptance refuses every other kind; reaching here is a bug worth a clear message.
  throw new Error(`${state.nodePath}: ${actionKindOf(node)} is not supported by this worker`);
}

/**
 * A page's session opens within milliseconds of its first document; one held longer (a page
 * busy navigating) is left unknown, and the step waits for a load after it as the original does.
 */
const SESSION_READY_MS = 500;

/** A page paints its first frame shortly after it loads; a screenshot would take as long. */
const FIRST_FRAME_WAIT_MS = 150;

/**
 * The page as the step began: its latest painted frame (page-sessions.ts), or a screenshot when it
 * has painted none yet; a page that cannot be captured still gets its url. The title is read
 * alongside the action: the question is sent first, and the browser answers it before the
 * action's own commands (they share one connection, read in order), so the action cannot change
 * the answer, and the step does not wait a round trip for it.
 */
async function snapshotPage(state: RunState, page: Page): Promise<Omit<BrowserSnapshot, 'title'> & { title: Promise<string> }> {
  // The url first: a screenshot waits out a navigation in flight, and the step began here.
  const url = page.url();
  const title = pageTitle(state, page);
  // Short: a navigation in flight holds a screenshot up, and the next frame will show its page.
  const screenshot = await stepScreenshot(state, page, 2_000);
  return { url, title, screenshot };
}

/**
 * The page's latest painted frame, or a screenshot when it has painted none yet (bounded by
 * `timeoutMs`); none when step screenshots are off (STEP_SCREENSHOTS) or the page cannot be
 * captured.
 */
export async function stepScreenshot(state: RunState, page: Page, timeoutMs: number): Promise<Buffer | null> {
  if (state.services.stepScreenshots === false) return null;
  return (await state.pages.latestFrame(page, FIRST_FRAME_WAIT_MS)) ?? (await page.screenshot({ type: 'png', timeout: timeoutMs }).catch(() => null));
}

/** The original polls each second; waiting for the page event answers as soon as the tab opens. */
async function waitForNewTab(state: RunState, pagesBefore: number, seconds: number): Promise<void> {
  if (state.context.pages().length > pagesBefore) return;
  try {
    await state.context.waitForEvent('page', { timeout: seconds * 1000 });
  } catch {
    state.logger.warn('expected a new tab, none opened', { step_index: state.stepIndex, waited_seconds: seconds });
  }
}
