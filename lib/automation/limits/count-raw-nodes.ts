import type { Problem } from '../../errors.js';
import { MAX_NODE_DEPTH, type RecordingLimits } from './recording-limits.js';

const CHILD_LISTS = ['nodes', 'reset_nodes', 'if_nodes', 'else_nodes'] as const;

/**
 * Counts the nodes of a recording before the schema reads it, iteratively, so an oversized or
 * absurdly deep document is refused without being parsed (the parse is recursive). Anything not
 * shaped like nodes is left to the schema to report.
 */
export function checkRawNodeLimits(raw: unknown, limits: RecordingLimits): Problem[] {
  if (!isRecord(raw)) return [];
  const stack: { value: unknown; path: string; depth: number }[] = [];
  for (const key of ['nodes', 'post_processing_nodes']) pushList(stack, raw[key], key, 1);
  let count = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as (typeof stack)[number];
    count += 1;
    if (count > limits.maxNodes) {
      return [{ path: 'nodes', message: `the recording has more than ${limits.maxNodes} nodes (nested ones included); the limit is MAX_RECORDING_NODES=${limits.maxNodes}` }];
    }
    if (depth > MAX_NODE_DEPTH) return [{ path, message: `nodes nested more than ${MAX_NODE_DEPTH} deep` }];
    if (!isRecord(value)) continue;
    for (const key of CHILD_LISTS) pushList(stack, Object.hasOwn(value, key) ? value[key] : undefined, `${path}.${key}`, depth + 1);
  }
  return [];
}

function pushList(stack: { value: unknown; path: string; depth: number }[], list: unknown, path: string, depth: number): void {
  if (!Array.isArray(list)) return;
  // Reversed so the pops visit in document order: the first problem found is the first written.
  for (let i = list.length - 1; i >= 0; i--) stack.push({ value: list[i], path: `${path}[${i}]`, depth });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
