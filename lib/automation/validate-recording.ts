import { parseAutomation, type ParseAutomationResult } from '../schemas/automation/parse-automation.js';
import { checkCommandsAndConditions } from './check-recorded-code.js';
import { checkSupportedFeatures } from './check-supported-features.js';
import { checkRecordingLimits } from './limits/check-recording-limits.js';
import { checkRawNodeLimits } from './limits/count-raw-nodes.js';
import { DEFAULT_RECORDING_LIMITS } from './limits/recording-limits.js';
import { BASE_CAPABILITIES, type WorkerCapabilities } from './worker-capabilities.js';

/**
 * The full acceptance check of a recording: the Automation schema, then every locator command
 * and condition through its grammar, then the features this worker can run with its
 * `capabilities` (none extra by default), and the recording limits (node count, loop
 * iterations, file names that stay in their folder). Every problem is reported with its path,
 * so a recording is refused before any browser starts.
 */
export function validateRecording(raw: unknown, capabilities: WorkerCapabilities = BASE_CAPABILITIES): ParseAutomationResult {
  const limits = capabilities.limits ?? DEFAULT_RECORDING_LIMITS;
  // Counted before parsing: an oversized recording is refused without the cost of reading it.
  const tooLarge = checkRawNodeLimits(raw, limits);
  if (tooLarge.length > 0) return { ok: false, problems: tooLarge };
  const parsed = parseAutomation(raw);
  if (!parsed.ok) return parsed;
  const problems = [
    ...checkCommandsAndConditions(parsed.automation),
    ...checkSupportedFeatures(parsed.automation, capabilities),
    ...checkRecordingLimits(parsed.automation, limits),
  ];
  if (problems.length > 0) return { ok: false, problems };
  return parsed;
}
