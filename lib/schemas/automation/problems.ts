import type * as z from 'zod';
import { isPythonIdentifier, quoteList } from './schema-helpers.js';

export interface SchemaProblem {
  /** JSON path such as `nodes[3].interaction_action.click_element.command`; '' is the document. */
  path: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && isPythonIdentifier(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

const EXPECTED_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  tuple: 'a list',
  null: 'null',
};

/** Names the JSON type of a value without echoing strings (they may be secrets). */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return 'a string';
  return 'an object';
}

function expectedName(expected: string): string {
  return EXPECTED_NAMES[expected] ?? expected;
}

function joinOr(names: readonly string[]): string {
  const unique = [...new Set(names)];
  if (unique.length <= 1) return unique[0] ?? 'another value';
  return `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`;
}

function describeDiscriminator(issue: Issue & { code: 'invalid_union' }, path: readonly PropertyKey[]): string {
  const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
  const expected = `expected one of ${quoteList(options)}`;
  if (issue.input === undefined) {
    const inPostProcessing = path.length === 3 && path[0] === 'post_processing_nodes';
    const hint = inPostProcessing ? ' (post_processing_nodes are not migrated from the old node format)' : '';
    return `missing "type"${hint}; ${expected}`;
  }
  return `unknown type ${JSON.stringify(issue.input)}; ${expected}`;
}

/**
 * A failed union either failed on the value's own type (report what was expected) or matched
 * a member's type and failed inside it (report those deeper problems instead).
 */
function expandUnion(issue: Issue & { code: 'invalid_union' }, path: PropertyKey[], out: SchemaProblem[]): void {
  const inner = issue.errors.find((errors) => errors.length > 0 && errors.every((e) => e.path.length > 0));
  if (inner !== undefined) {
    for (const nested of inner) collect(nested, path, out);
    return;
  }
  const expected = issue.errors.flatMap((errors) =>
    errors.flatMap((e) => (e.code === 'invalid_type' ? [expectedName(e.expected)] : [])),
  );
  out.push({ path: formatPath(path), message: `expected ${joinOr(expected)}; got ${describeValue(issue.input)}` });
}

function describe(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required field is missing';
      return `expected ${expectedName(issue.expected)}; got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? '' : 'one of '}${quoteList(issue.values.map(String))}; got ${
        typeof issue.input === 'string' ? JSON.stringify(issue.input) : describeValue(issue.input)
      }`;
    default:
      return issue.message;
  }
}

function collect(issue: Issue, prefix: readonly PropertyKey[], out: SchemaProblem[]): void {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    if ('discriminator' in issue && issue.discriminator !== undefined) {
      out.push({ path: formatPath(path), message: describeDiscriminator(issue, path) });
    } else {
      expandUnion(issue, path, out);
    }
    return;
  }
  out.push({ path: formatPath(path), message: describe(issue) });
}

/** Turns zod issues (parsed with `reportInput: true`) into path + message problems. */
export function toProblems(issues: readonly Issue[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const issue of issues) collect(issue, [], out);
  const seen = new Set<string>();
  return out.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
