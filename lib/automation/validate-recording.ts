import type { Problem } from '../errors.js';
import type { Automation } from '../schemas/automation/automation.js';
import { parseAutomation } from '../schemas/automation/parse-automation.js';
import { checkCommandsAndConditions } from './check-recorded-code.js';
import { checkSupportedFeatures } from './check-supported-features.js';

export type ValidateRecordingResult =
  | { ok: true; automation: Automation; warnings: string[] }
  | { ok: false; problems: Problem[] };

/**
 * The full acceptance check of a recording: the Automation schema, then every locator command
 * and condition through its grammar, then the features this worker can run. Every problem is
 * reported with its path, so a recording is refused before any browser starts.
 */
export function validateRecording(raw: unknown): ValidateRecordingResult {
  const parsed = parseAutomation(raw);
  if (!parsed.ok) return parsed;
  const problems = [...checkCommandsAndConditions(parsed.automation), ...checkSupportedFeatures(parsed.automation)];
  if (problems.length > 0) return { ok: false, problems };
  return parsed;
}
