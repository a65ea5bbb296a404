import type { StepSummary } from '../../lib/automation/runner/step-summary.js';

/** One line per step for stderr: `step 2  interaction_action.click_element  nodes[2]  0.31s  success`. */
export function formatStepLine(step: StepSummary): string {
  const outcome = step.outcome === 'failed' ? `failed: ${(step.error ?? 'no reason given').replace(/\r?\n/g, ' ')}` : step.outcome;
  return `step ${step.step_index}  ${step.action}  ${step.node_path}  ${(step.duration_ms / 1000).toFixed(2)}s  ${outcome}\n`;
}
