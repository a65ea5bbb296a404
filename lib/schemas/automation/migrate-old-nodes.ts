import { isRecord } from './schema-helpers.js';

export type NodeType = 'action_node' | 'for_loop_node' | 'if_else_node' | 'assert_locator_node' | 'private_node';

/**
 * The node type of an old-format node (no `type` key), by the original's five rules; the
 * first match wins. A private_node always carries its type, so it is never inferred.
 */
export function inferNodeType(node: Record<string, unknown>): NodeType {
  const has = (key: string) => Object.hasOwn(node, key);
  if (has('condition')) return 'if_else_node';
  if (has('variable_name')) return 'for_loop_node';
  if (has('locator') && has('assertion')) return 'assert_locator_node';
  if (has('locator') && has('nodes')) return 'for_loop_node';
  return 'action_node';
}

export function isOldFormatNode(item: unknown): item is Record<string, unknown> {
  return isRecord(item) && !Object.hasOwn(item, 'type');
}

/**
 * Gives every old-format node of a list its inferred `type`. Applied to Automation.nodes,
 * for-loop nodes/reset_nodes and if/else branches; never to post_processing_nodes, which the
 * original requires to carry `type`.
 */
export function migrateNodeList(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item) => (isOldFormatNode(item) ? { type: inferNodeType(item), ...item } : item));
}
