import { type Automation, AutomationSchema } from './automation.js';
import { scanLegacyConstructs } from './legacy-scan.js';
import { MISC_SUB_ACTIONS } from './misc-action.js';
import { type SchemaProblem, toProblems } from './problems.js';
import { setKeys } from './schema-helpers.js';
import { walkNodes } from './walk-nodes.js';

export type ParseAutomationResult =
  | { ok: true; automation: Automation; warnings: string[] }
  | { ok: false; problems: SchemaProblem[] };

function miscWarnings(automation: Automation): string[] {
  const warnings: string[] = [];
  walkNodes(automation, (node, path) => {
    if (node.type !== 'action_node' || node.misc_action === null) return;
    const set = setKeys(node.misc_action, MISC_SUB_ACTIONS);
    if (set.length > 1) {
      warnings.push(`${path}.misc_action: ${set.join(', ')} are all set; only ${set[0]} runs`);
    }
  });
  return warnings;
}

/**
 * Validates an Optexity Automation JSON value (current format, with old-format nodes
 * migrated) and returns it with every default applied, or every problem found.
 */
export function parseAutomation(input: unknown): ParseAutomationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ path: '', message: 'an automation must be a JSON object' }] };
  }
  const result = AutomationSchema.safeParse(input, { reportInput: true });
  if (!result.success) return { ok: false, problems: toProblems(result.error.issues) };
  const automation = result.data;
  return { ok: true, automation, warnings: [...scanLegacyConstructs(input), ...miscWarnings(automation)] };
}
