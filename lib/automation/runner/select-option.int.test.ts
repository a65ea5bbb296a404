import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../test/support/browser.js';
import { sendJson, startPageServer, type PageServer } from '../../../test/support/page-server.js';
import { recording, runRecording } from '../../../test/support/run-recording.js';
import { interactionStep } from '../../../test/support/steps.js';
import { DEFAULT_RUN_SERVICES } from './run-services.js';

// Option values are ids a framework generated; only the labels mean anything to a recording.
const SELECT_PAGE = `<!doctype html><title>Branch</title>
<form id="f">
  <label>City <select id="city">
    <option value="">Pick a city</option>
    <option value="opt_2b7d90">Newark</option>
    <option value="opt_8f3a1c">New York</option>
    <option value="opt_c41e55">York</option>
  </select></label>
  <label>Branch <select id="branch">
    <option value="opt_91aa02">Downtown Manhattan Branch</option>
    <option value="opt_77cd13">Brooklyn Heights Branch</option>
  </select></label>
  <button type="submit">Continue</button>
</form>
<script>
  document.getElementById('f').addEventListener('submit', (event) => {
    event.preventDefault();
    fetch('/api/branch', { method: 'POST', body: JSON.stringify({ city: city.value, branch: branch.value }) });
  });
</script>`;

let browser: Browser;
let server: PageServer;

const step = (action: Record<string, unknown>) => interactionStep(action);

// Each choice is posted, so a test sees which value the step selected.
const countryPage = (extra: string) => `<!doctype html><title>Country</title>
<label>Country <select id="country" onchange="fetch('/api/country', { method: 'POST', body: this.value })">
  <option value="">Choose</option><option value="fr">France</option><option value="de">Germany</option>${extra}
</select></label>`;

beforeAll(async () => {
  browser = await launchTestBrowser();
  server = await startPageServer(
    { '/select': SELECT_PAGE, '/country': countryPage(''), '/country-with-template': countryPage('<template><option>Hidden</option></template>') },
    { '/api/branch': (_req, res) => sendJson(res, 200, { ok: true }), '/api/country': (_req, res) => sendJson(res, 200, { ok: true }) },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('select_option on options with generated values', () => {
  it('selects by the recorded visible label, exactly, or by the fuzzy rule when the label is only a prefix', async () => {
    const automation = recording(server.url('/select'), [
      // "New York" must not pick "Newark" or "York", which a loose match would also catch.
      step({ select_option: { command: 'get_by_label("City")', select_values: ['New York'] } }),
      // Neither a value nor a label equals "brooklyn heights": the fuzzy rule (lowercased,
      // spaces removed, prefix) finds "Brooklyn Heights Branch".
      step({ select_option: { command: 'get_by_label("Branch")', select_values: ['brooklyn heights'] } }),
      step({ click_element: { command: 'get_by_role("button", name="Continue")' } }),
    ]);
    const { outcome } = await runRecording(browser, automation);
    expect(outcome.error).toBeNull();
    expect(server.requests.filter((r) => r.path === '/api/branch').map((r) => JSON.parse(r.body))).toEqual([{ city: 'opt_8f3a1c', branch: 'opt_77cd13' }]);
  });
});

/**
 * `browser`, whose pages report how many scripts Playwright runs in their main world: DevTools'
 * scriptParsed in the default context with no URL (the page's own scripts carry its URL). The
 * first of them in a document is Playwright installing its injected script there.
 */
function watchMainWorld(browser: Browser) {
  const watched = { scripts: 0, attached: [] as Promise<void>[] };
  const watchPage = async (context: BrowserContext, page: Page) => {
    const session = await context.newCDPSession(page);
    const mainWorlds = new Set<number>();
    session.on('Runtime.executionContextCreated', ({ context: created }) => {
      if (created.auxData?.type === 'default') mainWorlds.add(created.id);
    });
    session.on('Debugger.scriptParsed', (script) => {
      if (script.executionContextId !== undefined && mainWorlds.has(script.executionContextId) && script.url === '') watched.scripts++;
    });
    // Both replay what came before: the contexts that exist, the scripts already parsed in them.
    await session.send('Runtime.enable');
    await session.send('Debugger.enable');
  };
  const watching: Browser = Object.create(browser);
  watching.newContext = async (options) => {
    const context = await browser.newContext(options);
    context.on('page', (page) => watched.attached.push(watchPage(context, page)));
    return context;
  };
  return { browser: watching, watched };
}

describe('select_option and the page main world', () => {
  // A trace snapshots the page from its main world; without one, nothing else of a run runs there.
  const services = { ...DEFAULT_RUN_SERVICES, trace: false };

  /** Selects "Germany" on the page at `path`, a new document; what the page was sent, and the watch. */
  async function selectGermanyWatched(path: string) {
    const { browser: watching, watched } = watchMainWorld(browser);
    const before = server.requests.length;
    const automation = recording(server.url(path), [step({ select_option: { command: 'get_by_label("Country")', select_values: ['Germany'] } })]);
    const { outcome } = await runRecording(watching, automation, {}, undefined, { services });
    await Promise.all(watched.attached);
    const chosen = server.requests.slice(before).filter((r) => r.path === '/api/country').map((r) => r.body);
    return { error: outcome.error, chosen, mainWorldScripts: watched.scripts };
  }

  it('reads the options of an ordinary select on a new document without running anything in its main world', async () => {
    expect(await selectGermanyWatched('/country')).toEqual({ error: null, chosen: ['de'], mainWorldScripts: 0 });
  });

  it('still reads a select the markup reader declines by evaluating in the main world, which the watch sees', async () => {
    const { error, chosen, mainWorldScripts } = await selectGermanyWatched('/country-with-template');
    expect({ error, chosen }).toEqual({ error: null, chosen: ['de'] });
    expect(mainWorldScripts).toBeGreaterThan(0);
  });
});
