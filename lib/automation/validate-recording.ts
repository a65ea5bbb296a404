import { parseAutomation, type ParseAutomationResult } from '../schemas/automation/parse-automation.js';
import { checkCommandsAndConditions } from './check-recorded-code.js';
import { checkSupportedFeatures } from './check-supported-features.js';
import { checkRecordingLimits } from './limits/check-recording-limits.js';
import { checkRawNodeLimits } from './limits/count-raw-nodes.js';
import { DEFAULT_RECORDING_LIMITS, type RecordingLimits } from './limits/recording-limits.js';
import { BASE_CAPABILITIES, type WorkerCapabilities } from './worker-capabilities.js';
import type { Automation } from '../schemas/automation/automation.js';
import type { SchemaProblem } from '../schemas/automation/problems.js';
import { salvageRecording } from './salvage-recording.js';

/**
 * The full acceptance check of a recording: the Automation schema, then every locator command
 * and condition through its grammar, then the features this worker can run with its
 * `capabilities` (none extra by default), and the recording limits (node count, loop
 * iterations, file names that stay in their folder). Every problem is reported with its path,
 * at once (the later checks also run on the nodes that passed the schema), so a recording is
 * refused before any browser starts.
 */
export function validateRecording(raw: unknown, capabilities: WorkerCapabilities = BASE_CAPABILITIES): ParseAutomationResult {
  const limits = capabilities.limits ?? DEFAULT_RECORDING_LIMITS;
  // Counted before parsing: an oversized recording is refused without the cost of reading it.
  const tooLarge = checkRawNodeLimits(raw, limits);
  if (tooLarge.length > 0) return { ok: false, problems: tooLarge };
  const parsed = parseAutomation(raw);
  if (!parsed.ok) return { ok: false, problems: inDocumentOrder([...parsed.problems, ...problemsBeyondSchema(raw, parsed.problems, capabilities, limits)]) };
  const problems = laterChecks(parsed.automation, capabilities, limits);
  if (problems.length > 0) return { ok: false, problems };
  return parsed;
}

/**
 * Problems in the order of the recording: grouped by top-level field (in the order the fields
 * were first named), and within one field by position (`nodes[2]` before `nodes[10]`).
 */
function inDocumentOrder(problems: SchemaProblem[]): SchemaProblem[] {
  const keys = (path: string) => path.split(/[.[\]]+/).filter(Boolean);
  const compare = (a: string, b: string) => {
    const [left, right] = [keys(a), keys(b)];
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      const [x, y] = [left[i] as string, right[i] as string];
      if (x === y) continue;
      const [m, n] = [Number(x), Number(y)];
      return Number.isInteger(m) && Number.isInteger(n) ? m - n : x < y ? -1 : 1;
    }
    return left.length - right.length;
  };
  const groups = new Map<string, SchemaProblem[]>();
  for (const problem of problems) {
    const field = keys(problem.path)[0] ?? '';
    groups.set(field, [...(groups.get(field) ?? []), problem]);
  }
  // Array.prototype.sort is stable: problems at one path keep the order they were found in.
  return [...groups.values()].flatMap((group) => group.sort((a, b) => compare(a.path, b.path)));
}

function laterChecks(automation: Automation, capabilities: WorkerCapabilities, limits: RecordingLimits): SchemaProblem[] {
  return [...checkCommandsAndConditions(automation), ...checkSupportedFeatures(automation, capabilities), ...checkRecordingLimits(automation, limits)];
}

/**
 * The later checks of a recording that failed the schema, run on the nodes that passed it (the
 * others replaced by empty steps), so every problem is listed at once. None when what remains
 * still does not parse (a broken `parameters`, say).
 */
function problemsBeyondSchema(raw: unknown, schemaProblems: SchemaProblem[], capabilities: WorkerCapabilities, limits: RecordingLimits): SchemaProblem[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const { copy, replaced } = salvageRecording(raw as Record<string, unknown>, schemaProblems);
  const salvaged = parseAutomation(copy);
  if (!salvaged.ok) return [];
  const inReplaced = (path: string) => replaced.some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`));
  const known = new Set(schemaProblems.map((problem) => `${problem.path}\n${problem.message}`));
  return laterChecks(salvaged.automation, capabilities, limits).filter((problem) => !inReplaced(problem.path) && !known.has(`${problem.path}\n${problem.message}`));
}
