import type { Node } from './nodes.js';

export type NodeVisitor = (node: Node, path: string) => void;

function walkList(nodes: readonly Node[], path: string, visit: NodeVisitor): void {
  nodes.forEach((node, index) => walkNode(node, `${path}[${index}]`, visit));
}

function walkNode(node: Node, path: string, visit: NodeVisitor): void {
  visit(node, path);
  if (node.type === 'for_loop_node') {
    walkList(node.nodes, `${path}.nodes`, visit);
    walkList(node.reset_nodes, `${path}.reset_nodes`, visit);
  } else if (node.type === 'if_else_node') {
    walkList(node.if_nodes, `${path}.if_nodes`, visit);
    walkList(node.else_nodes, `${path}.else_nodes`, visit);
  }
}

/**
 * Visits every node depth-first in document order: `nodes` (a loop's `nodes` then
 * `reset_nodes`, an if's `if_nodes` then `else_nodes`), then `post_processing_nodes`.
 * Containers are visited before their children. Paths look like `nodes[2].if_nodes[0]`.
 */
export function walkNodes(
  automation: { nodes: readonly Node[]; post_processing_nodes: readonly Node[] },
  visit: NodeVisitor,
): void {
  walkList(automation.nodes, 'nodes', visit);
  walkList(automation.post_processing_nodes, 'post_processing_nodes', visit);
}
