import type { Node } from './nodes.js';
import { walkNodes } from './walk-nodes.js';

/**
 * The original bakes the runtime default name `node{N}_output` into a recording when it is
 * loaded: N counts every node (containers too) depth-first in document order, from 1. An
 * assert_locator_node without output_variable_name gets it; so does a locator extraction,
 * whose single extraction_format key is renamed to it so the two stay the same.
 * Mutates the freshly parsed automation it is given.
 */
export function bakeDefaultOutputNames(automation: { nodes: Node[]; post_processing_nodes: Node[] }): void {
  let counter = 0;
  walkNodes(automation, (node) => {
    counter += 1;
    const defaultName = `node${counter}_output`;
    if (node.type === 'assert_locator_node' && node.output_variable_name === null) {
      node.output_variable_name = defaultName;
    }
    const locator = node.type === 'action_node' ? node.extraction_action?.locator : null;
    if (locator && locator.output_variable_name === null) {
      const [onlyKey] = Object.keys(locator.extraction_format);
      if (onlyKey !== undefined) {
        locator.extraction_format = { [defaultName]: locator.extraction_format[onlyKey] };
      }
      locator.output_variable_name = defaultName;
    }
  });
}
