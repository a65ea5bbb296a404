import type { HumanInLoopAction } from '../../schemas/automation/other-actions.js';
import type { RunState } from './run-state.js';
import { StepNeedsError } from './step-needs.js';

/**
 * human_in_loop_action, as the original: tell the control plane a person is needed, then wait
 * (the page stays open for them) until the worker hears POST /human_in_loop_completed for this
 * task, or max_wait_time runs out and the task fails.
 */
export async function runHumanInLoop(state: RunState, action: HumanInLoopAction): Promise<void> {
  const where = `${state.nodePath} (human_in_loop_action)`;
  const gate = state.services.humanInLoop;
  if (!gate) throw new StepNeedsError(`${where} needs a worker that can be told when the person has finished; this runtime has no such route`);
  const taskId = state.task.task_id;
  await gate.notify(state.task);
  state.logger.info('waiting for a person', { step_index: state.stepIndex, max_wait_seconds: action.max_wait_time });
  const released = await gate.waitForRelease(taskId, action.max_wait_time * 1000, state.signal);
  if (!released) {
    throw new Error(`${where}: nobody finished the step within ${action.max_wait_time} s (POST /human_in_loop_completed with {"task_id": "${taskId}"} releases it)`);
  }
}
