import type { SchemaProblem } from '../schemas/automation/problems.js';

/**
 * A copy of a recording that failed the schema, with each node a problem points into replaced
 * by an empty step, so the later checks (commands, features, limits) can still look at every
 * other node and a user sees all that is wrong in one pass. Node indices stay as recorded, so
 * the paths of the later problems are the recording's own. Problems outside any node (a bad
 * `url`, say) remove that field; whether the copy then parses is for the caller to find out.
 */
export function salvageRecording(raw: Record<string, unknown>, problems: readonly SchemaProblem[]): { copy: Record<string, unknown>; replaced: string[] } {
  const copy = structuredClone(raw);
  const replaced = new Set<string>();
  for (const { path } of problems) {
    const node = innermostNodePath(path);
    if (node !== null) {
      if (replaced.has(node)) continue;
      const keys = pathKeys(node);
      const parent = keys.length > 1 ? valueAt(copy, keys.slice(0, -1)) : copy;
      const last = keys.at(-1);
      if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) {
        parent[last] = EMPTY_STEP();
        replaced.add(node);
      }
    } else {
      const [field] = pathKeys(path);
      if (typeof field === 'string' && field in copy) {
        // A required field gets a neutral value, so the rest of the recording can be read.
        if (field === 'url') copy.url = 'about:blank';
        else delete copy[field];
        replaced.add(field);
      }
    }
  }
  return { copy, replaced: [...replaced] };
}

const EMPTY_STEP = () => ({ type: 'action_node', before_sleep_time: 0, end_sleep_time: 0, sleep_action: { sleep_time: 0 } });

const NODE_LISTS = '(?:nodes|reset_nodes|if_nodes|else_nodes|post_processing_nodes)';
const NODE_AT = new RegExp(`(?:^|\\.)${NODE_LISTS}\\[\\d+\\]`, 'g');

/** `nodes[1].nodes[0]` for `nodes[1].nodes[0].interaction_action.x`; null outside any node. */
export function innermostNodePath(path: string): string | null {
  let end = -1;
  for (const match of path.matchAll(NODE_AT)) end = match.index + match[0].length;
  return end < 0 ? null : path.slice(0, end);
}

/** The keys of a path as formatPath writes it: `a.b[2]["c d"]` → a, b, 2, "c d". */
function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) keys.push(match[1]);
    else if (match[2] !== undefined) keys.push(Number(match[2]));
    else if (match[3] !== undefined) keys.push(JSON.parse(match[3]) as string);
  }
  return keys;
}

function valueAt(root: unknown, keys: readonly (string | number)[]): unknown {
  let value = root;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}
