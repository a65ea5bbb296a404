/**
 * For-loop binding (spec 2.4): before a loop child runs, its deep copy has the loop's placeholders
 * bound to the current iteration, and normal substitution later fills `{v[3]}`. Unlike variable
 * substitution, this works on recording text only (no run-time value is inserted yet, except the
 * locator command, itself from the recording), so replacements run one after the other on the
 * whole string exactly as in the original, order included.
 */

type Replacement = readonly [from: string, to: string];

/** `variable_name: "a, b"` → `['a', 'b']`, as `[name.strip() for name in variable_name.split(",")]`. */
export function loopVariableNames(variableName: string): string[] {
  return variableName.split(',').map((name) => name.trim());
}

/**
 * Variable loop, in the original's order: `{name[<indexName>]}` → `{name[<index>]}` for every name,
 * then `{index_of(<names[0]>)}` → index, then bare `{<indexName>}` → index (last, so it cannot eat
 * into the two longer forms).
 */
export function bindVariableLoop<T>(value: T, loop: { names: string[]; indexName: string; index: number }): T {
  const at = String(loop.index);
  const replacements: Replacement[] = loop.names.map((name) => [`{${name}[${loop.indexName}]}`, `{${name}[${at}]}`] as const);
  const primary = loop.names[0];
  if (primary !== undefined) replacements.push([`{index_of(${primary})}`, at]);
  replacements.push([`{${loop.indexName}}`, at]);
  return mapStrings(value, (text) => replaceEach(text, replacements));
}

/**
 * Locator loop: `{locator[<indexName>]}` → `<locator>.nth(<index>)`, then bare `{<indexName>}` →
 * index. There is no `{index_of(...)}` form here, as in the original.
 */
export function bindLocatorLoop<T>(value: T, loop: { locator: string; indexName: string; index: number }): T {
  const at = String(loop.index);
  const replacements: Replacement[] = [
    [`{locator[${loop.indexName}]}`, `${loop.locator}.nth(${at})`],
    [`{${loop.indexName}}`, at],
  ];
  return mapStrings(value, (text) => replaceEach(text, replacements));
}

function replaceEach(text: string, replacements: readonly Replacement[]): string {
  // split/join is a literal replace-all: `$&` in a locator is not a replacement pattern.
  return replacements.reduce((current, [from, to]) => current.split(from).join(to), text);
}

/**
 * Deep copy of JSON-like data with `transform` applied to every string value; keys are kept as
 * they are. Object.fromEntries defines own properties, so a `__proto__` key stays a plain key and
 * cannot replace the copy's prototype.
 */
function mapStrings<T>(value: T, transform: (text: string) => string): T {
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return transform(item);
    if (Array.isArray(item)) return item.map(visit);
    if (typeof item === 'object' && item !== null) return Object.fromEntries(Object.entries(item).map(([key, child]) => [key, visit(child)]));
    return item;
  };
  // The copy has the input's shape by construction; TS cannot follow that through `unknown`.
  return visit(value) as T;
}
