import type { Automation } from '../schemas/automation/automation.js';
import type { Node } from '../schemas/automation/nodes.js';

export type NodeVisitor = (node: Node, path: string, loops: readonly LoopScope[]) => void;

/** A loop around a node: its placeholders are bound before the node's text is read. */
export type LoopScope =
  | { kind: 'variable'; names: string[]; indexName: string }
  | { kind: 'locator'; locator: string; indexName: string };

/** Visits every node with the loops that enclose it, outermost first. */
export function walkWithLoops(automation: Automation, visit: NodeVisitor): void {
  const walk = (nodes: readonly Node[], path: string, loops: readonly LoopScope[]) =>
    nodes.forEach((node, index) => {
      const here = `${path}[${index}]`;
      visit(node, here, loops);
      if (node.type === 'for_loop_node') {
        const scope: LoopScope =
          node.locator !== null
            ? { kind: 'locator', locator: node.locator, indexName: node.index_variable_name }
            : { kind: 'variable', names: (node.variable_name ?? '').split(',').map((n) => n.trim()).filter(Boolean), indexName: node.index_variable_name };
        walk(node.nodes, `${here}.nodes`, [...loops, scope]);
        walk(node.reset_nodes, `${here}.reset_nodes`, [...loops, scope]);
      } else if (node.type === 'if_else_node') {
        walk(node.if_nodes, `${here}.if_nodes`, loops);
        walk(node.else_nodes, `${here}.else_nodes`, loops);
      }
    });
  walk(automation.nodes, 'nodes', []);
  walk(automation.post_processing_nodes, 'post_processing_nodes', []);
}
