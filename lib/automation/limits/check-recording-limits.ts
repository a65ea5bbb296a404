import type { Problem } from '../../errors.js';
import type { Automation } from '../../schemas/automation/automation.js';
import { walkNodes } from '../../schemas/automation/walk-nodes.js';
import { fileNameProblem, uploadPathProblem } from './file-names.js';
import type { RecordingLimits } from './recording-limits.js';

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a parsed recording asks that is out of bounds: a loop's `max_iterations` above
 * MAX_LOOP_ITERATIONS (refused rather than quietly capped, so a recording never runs fewer
 * iterations than its author wrote), and file names or upload paths written into the
 * recording that would leave their folder.
 */
export function checkRecordingLimits(automation: Automation, limits: RecordingLimits): Problem[] {
  const problems: Problem[] = [];
  walkNodes(automation, (node, path) => {
    if (node.type === 'for_loop_node' && node.max_iterations !== null && node.max_iterations > limits.maxLoopIterations) {
      problems.push({ path: `${path}.max_iterations`, message: `${node.max_iterations} is above the limit of ${limits.maxLoopIterations} iterations (MAX_LOOP_ITERATIONS)` });
    }
    if (node.type !== 'action_node') return;
    for (const group of ['interaction_action', 'extraction_action'] as const) {
      const actions: unknown = node[group];
      if (!isFields(actions)) continue;
      for (const [kind, action] of Object.entries(actions)) {
        if (!isFields(action)) continue;
        const at = `${path}.${group}.${kind}`;
        check(action.download_filename, `${at}.download_filename`, fileNameProblem, problems);
        if (kind === 'screenshot') check(action.filename, `${at}.filename`, fileNameProblem, problems);
        if (kind === 'upload_file') check(action.file_path, `${at}.file_path`, uploadPathProblem, problems);
      }
    }
  });
  return problems;
}

function check(value: unknown, path: string, problemOf: (text: string) => string | null, problems: Problem[]): void {
  if (typeof value !== 'string') return;
  const problem = problemOf(value);
  if (problem !== null) problems.push({ path, message: problem });
}
