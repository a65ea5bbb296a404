/**
 * What the original's documented waits (shared reference spec §2.2, §2.7) add to a recording,
 * counted from its nodes. Assumptions, stated in RESULTS.md:
 * - the recording leaves the waits at their defaults: end_sleep_time 5 s after each interaction
 *   (HEAD), before_sleep_time 3 s before each extraction;
 * - after an interaction the original sleeps 0.1 s, then waits for "load" up to end_sleep_time −
 *   0.1 s: on these local pages "load" has fired by then, so 0.1 s is paid ("typical"); a page
 *   that keeps loading costs the whole bound ("worst");
 * - each element action sleeps 50 ms between scrolling and acting; check/uncheck sleep 1 s between
 *   their two halves;
 * - every locator matches on its first try: the 1 s between locator tries (max_timeout_seconds_per_try)
 *   is paid once per missed try, shown per miss.
 */
export type OriginalWaits = {
  interactions: number;
  elementActions: number;
  checks: number;
  extractions: number;
  typicalSeconds: number;
  worstSeconds: number;
  perMissedTrySeconds: number;
  lines: string[];
};

type Node = { interaction_action?: Record<string, unknown>; extraction_action?: unknown; end_sleep_time?: number; before_sleep_time?: number };

const ELEMENT_ACTIONS = ['click_element', 'input_text', 'select_option', 'check', 'uncheck', 'hover', 'upload_file'];
const LOAD_PAUSE_S = 0.1;
const SCROLL_PAUSE_S = 0.05;
const CHECK_PAUSE_S = 1;

export function originalWaits(nodes: readonly Node[]): OriginalWaits {
  let interactions = 0;
  let elementActions = 0;
  let checks = 0;
  let extractions = 0;
  let loadBound = 0;
  let beforeSleep = 0;
  let perTry = 1;
  for (const node of nodes) {
    if (node.interaction_action) {
      interactions += 1;
      loadBound += node.end_sleep_time ?? 5;
      const kind = Object.keys(node.interaction_action).find((key) => ELEMENT_ACTIONS.includes(key));
      if (kind) elementActions += 1;
      if (kind === 'check' || kind === 'uncheck') checks += 1;
      const t = node.interaction_action.max_timeout_seconds_per_try;
      if (typeof t === 'number') perTry = t;
    }
    if (node.extraction_action) {
      extractions += 1;
      beforeSleep += node.before_sleep_time ?? 3;
    }
  }
  const fixed = beforeSleep + elementActions * SCROLL_PAUSE_S + checks * CHECK_PAUSE_S;
  const typicalSeconds = fixed + interactions * LOAD_PAUSE_S;
  const worstSeconds = fixed + loadBound;
  const lines = [
    `${extractions} extractions × 3 s before_sleep_time = ${beforeSleep.toFixed(1)} s`,
    `${interactions} interactions × 0.1 s pause before the load wait = ${(interactions * LOAD_PAUSE_S).toFixed(1)} s (up to ${loadBound.toFixed(0)} s when the load event is late: end_sleep_time 5 s each)`,
    `${elementActions} element actions × 50 ms between scroll and action = ${(elementActions * SCROLL_PAUSE_S).toFixed(2)} s`,
    `${checks} check steps × 1 s between uncheck and check = ${(checks * CHECK_PAUSE_S).toFixed(1)} s`,
    `each locator try that misses: + ${perTry} s (none here)`,
  ];
  return { interactions, elementActions, checks, extractions, typicalSeconds, worstSeconds, perMissedTrySeconds: perTry, lines };
}
