/**
 * Node builders for recordings written in tests. Retries are short, so a test that expects an
 * element to be missing does not wait out the original's default tries.
 */
export const QUICK_TRIES = { max_tries: 2, max_timeout_seconds_per_try: 0.3 };

type Fields = Record<string, unknown>;

/** An interaction node; `node` overrides node fields (sleeps, expect_new_tab), `tries` the retries. */
export const interactionStep = (action: Fields, node: Fields = {}, tries: Fields = QUICK_TRIES) => ({
  type: 'action_node',
  end_sleep_time: 0.2,
  ...node,
  interaction_action: { ...tries, ...action },
});

export const clickStep = (command: string, extra: Fields = {}, node: Fields = {}) => interactionStep({ click_element: { command, ...extra } }, node);

export const fillStep = (command: string, text: string, node: Fields = { end_sleep_time: 0 }) => interactionStep({ input_text: { command, input_text: text } }, node);

/** Extraction nodes sleep 3 s first by default, as in the original; tests need not. */
export const extractionStep = (action: Fields) => ({ type: 'action_node', before_sleep_time: 0, extraction_action: action });
