import { inferNodeType, isOldFormatNode } from './migrate-old-nodes.js';
import { isRecord } from './schema-helpers.js';

/**
 * Warnings about what loading silently changes in a recording: old-format nodes given a type,
 * Dec-2025 fields that are ignored, and absent keys read as empty. Reads the raw input; the
 * node types used to descend are the ones the migration gives.
 */
export function scanLegacyConstructs(input: unknown): string[] {
  const warnings: string[] = [];
  if (!isRecord(input)) return warnings;
  if (isRecord(input.parameters) && !Object.hasOwn(input.parameters, 'generated_parameters')) {
    warnings.push('parameters.generated_parameters: missing; read as {}');
  }
  if (!Object.hasOwn(input, 'nodes')) warnings.push('nodes: missing; read as [] (the run only opens url)');
  scanList(input.nodes, 'nodes', true, warnings);
  scanList(input.post_processing_nodes, 'post_processing_nodes', false, warnings);
  return warnings;
}

function scanList(list: unknown, path: string, migrates: boolean, warnings: string[]): void {
  if (!Array.isArray(list)) return;
  const oldFormat = migrates ? list.filter(isOldFormatNode).length : 0;
  if (oldFormat > 0) {
    warnings.push(`${path}: ${oldFormat} node(s) without "type" (old node format); their type was inferred`);
  }
  list.forEach((item, index) => {
    if (!isRecord(item)) return;
    const type = migrates && isOldFormatNode(item) ? inferNodeType(item) : item.type;
    scanNode(item, type, `${path}[${index}]`, warnings);
  });
}

function scanNode(node: Record<string, unknown>, type: unknown, path: string, warnings: string[]): void {
  if (type === 'for_loop_node') {
    scanList(node.nodes, `${path}.nodes`, true, warnings);
    scanList(node.reset_nodes, `${path}.reset_nodes`, true, warnings);
  } else if (type === 'if_else_node') {
    if (!Object.hasOwn(node, 'if_nodes')) warnings.push(`${path}.if_nodes: missing; read as []`);
    scanList(node.if_nodes, `${path}.if_nodes`, true, warnings);
    scanList(node.else_nodes, `${path}.else_nodes`, true, warnings);
  } else if (type === 'action_node') {
    const interaction = node.interaction_action;
    if (isRecord(interaction) && Object.hasOwn(interaction, 'start_2fa_timer')) {
      warnings.push(`${path}.interaction_action.start_2fa_timer: ignored (removed in the current Optexity format)`);
    }
  }
}
