export type SelectOption = { value: string; label: string };

/** Higher is better: equal, then prefix, then substring. */
function scoreMatch(pattern: string, candidate: string): number {
  if (pattern === candidate) return 100;
  if (candidate.startsWith(pattern)) return 80;
  if (candidate.includes(pattern)) return 60;
  return 0;
}

const normalize = (text: string) => text.toLowerCase().replaceAll(' ', '');

/** Recordings hold regexes when a pattern looks like one; an invalid one is matched literally. */
function asRegex(pattern: string): RegExp | undefined {
  if (!(pattern.startsWith('^') || pattern.endsWith('$') || pattern.includes('.*'))) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

function bestFuzzy(options: SelectOption[], patterns: string[], field: 'value' | 'label'): string[] {
  const keys = options.map((option) => normalize(option[field]));
  // Fuzzy matching is only safe when no two options look the same once normalised.
  if (new Set(keys).size !== keys.length) return [];
  const matched: string[] = [];
  for (const pattern of patterns) {
    const wanted = normalize(pattern);
    let best: { score: number; value: string } | undefined;
    options.forEach((option, index) => {
      const score = scoreMatch(wanted, keys[index] ?? '');
      if (score > 0 && score > (best?.score ?? 0)) best = { score, value: option.value };
    });
    if (best) matched.push(best.value);
  }
  return matched;
}

/**
 * Which option values a recorded `select_values` list means, as the original's smart_select:
 * regex or exact match on value or visible label first, then fuzzy on values, then on labels.
 * Unmatched patterns are passed through (Playwright then matches value or label itself).
 */
export function matchSelectOptions(options: SelectOption[], patterns: string[]): string[] {
  return findSelectOptions(options, patterns) ?? patterns;
}

/** As matchSelectOptions, but null when no pattern matched any option (a model may then try). */
export function findSelectOptions(options: SelectOption[], patterns: string[]): string[] | null {
  if (options.length === 0) return [];
  const [first, second] = options;
  if (options.length === 1 && first) return [first.value];
  if (options.length === 2 && first && second && (first.value === 'Select One' || second.value === 'Select One')) {
    return [first.value === 'Select One' ? second.value : first.value];
  }
  const matched: string[] = [];
  for (const pattern of patterns) {
    const regex = asRegex(pattern);
    for (const option of options) {
      const hit = regex ? regex.test(option.value) || regex.test(option.label) : option.value === pattern || option.label === pattern;
      if (hit) matched.push(option.value);
    }
  }
  if (matched.length > 0) return matched;
  const byValue = bestFuzzy(options, patterns, 'value');
  if (byValue.length > 0) return byValue;
  const byLabel = bestFuzzy(options, patterns, 'label');
  if (byLabel.length > 0) return byLabel;
  return null;
}
