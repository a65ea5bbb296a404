import { toPyValue, type PyValue } from './python-values.js';

/** Names and dot-paths in a poll condition (`status_code`, `body.job.state`, `body.items[0]`). */
const PATH = /\b([A-Za-z_]\w*(?:\.\w+)*(?:\[\d+\])?)\b/g;

function resolvePath(root: unknown, path: string): unknown {
  let current = root;
  for (const [, key, index] of path.matchAll(/\.?(\w+)|\[(\d+)\]/g)) {
    if (key !== undefined && current !== null && typeof current === 'object' && !Array.isArray(current) && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else if (index !== undefined && Array.isArray(current) && Number(index) < current.length) {
      current = current[Number(index)];
    } else return null;
  }
  return current;
}

/**
 * The original's poll condition reads keys of the API result, with dot-paths into it, and pastes
 * their values into the text before evaluating it. Here each one becomes a fresh name bound to
 * its value instead, so the text stays an expression for the safe evaluator. A path that leads
 * nowhere is None, as in the original.
 */
export function bindResultPaths(condition: string, result: Record<string, unknown>): { text: string; scope: Record<string, PyValue> } {
  const scope: Record<string, PyValue> = {};
  let count = 0;
  const text = condition.replace(PATH, (match: string) => {
    const root = match.split(/[.[]/)[0] ?? '';
    if (!Object.hasOwn(result, root)) return match;
    const name = `_poll_value_${count++}`;
    scope[name] = toPyValue(resolvePath(result, match));
    return name;
  });
  return { text, scope };
}

/** The condition as the parser will see it at run time, for the check at acceptance. */
export function pollConditionShape(condition: string): string {
  return condition.replace(PATH, (match: string) => (/[.[]/.test(match) ? '_poll_value' : match));
}
