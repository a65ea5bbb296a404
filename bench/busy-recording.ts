import { startPageServer, type PageServer } from '../test/support/page-server.js';

const PAGE = `<!doctype html><title>Busy</title>
<label>Text <input id="text"></label>
<label><input type="checkbox" id="box"> Box</label>
<button id="more" type="button" onclick="document.getElementById('log').append(Object.assign(document.createElement('li'), { textContent: document.getElementById('text').value }))">More</button>
<ul id="log"></ul>`;

export function startBusyPage(): Promise<PageServer> {
  return startPageServer({ '/busy': PAGE });
}

/**
 * A recording that keeps the worker's browser busy far longer than any measurement lasts (fill,
 * check and click, over and over, each with its snapshot): benchmarks stop it with /kill_task.
 */
export function busyRecording(pages: PageServer, steps = 1500) {
  const kinds = [
    (i: number) => ({ input_text: { command: 'locator("#text")', input_text: `line ${i}` } }),
    () => ({ check: { command: 'locator("#box")' } }),
    () => ({ click_element: { command: 'locator("#more")' } }),
  ];
  const nodes = Array.from({ length: steps }, (_, i) => ({
    type: 'action_node',
    end_sleep_time: 0,
    interaction_action: { max_tries: 2, max_timeout_seconds_per_try: 1, ...(kinds[i % kinds.length] as (i: number) => object)(i) },
  }));
  return { url: pages.url('/busy'), parameters: { input_parameters: {}, generated_parameters: {} }, nodes, take_final_screenshot: false };
}
