import { startPageServer, type PageServer } from '../test/support/page-server.js';

/**
 * The runner-overhead workload: four small local pages and a 30-step recording over them (fill,
 * type, select, check, click, a link and a form submit that navigate, a go_to_url, locator
 * extractions). bench/hand-written-steps.ts does the same 30 steps by hand.
 */

const PAGE_A = `<!doctype html><title>Profile</title>
<form onsubmit="return false">
<label>Name <input id="name"></label>
<label>City <input id="city"></label>
<label>Country <select id="country"><option value="">Choose</option><option value="fr">France</option><option value="de">Germany</option><option value="it">Italy</option></select></label>
<label><input type="checkbox" id="terms"> I accept the terms</label>
<button id="add" type="button" onclick="document.getElementById('count').textContent = String(++window.added)">Add</button>
<span id="count">0</span>
<label>Email <input id="email" type="email"></label>
<label>Plan <select id="plan"><option value="free">Free</option><option value="pro">Pro</option></select></label>
<label><input type="checkbox" id="newsletter"> Newsletter</label>
</form>
<a id="next" href="/b">Next</a>
<script>window.added = 0</script>`;

const PAGE_B = `<!doctype html><title>Company</title>
<label>Company <input id="company"></label>
<label>Zip <input id="zip"></label>
<label>Size <select id="size"><option value="s">1-10</option><option value="m">11-100</option><option value="l">100+</option></select></label>
<label><input type="checkbox" id="agree"> Agree</label>
<button id="compute" type="button" onclick="document.getElementById('total').textContent = String([...document.getElementById('zip').value].reduce((s, c) => s + Number(c), 0))">Compute</button>
<output id="total"></output>`;

const ITEMS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
const PAGE_C = `<!doctype html><title>Search</title>
<label>Query <input id="q"></label>
<button id="search" type="button" onclick="const q = document.getElementById('q').value; const items = [...document.querySelectorAll('li')]; items.forEach((li) => (li.hidden = !li.textContent.includes(q))); document.getElementById('results').textContent = items.filter((li) => !li.hidden).length + ' results'">Search</button>
<ul>${ITEMS.map((item) => `<li>${item}</li>`).join('')}</ul>
<p id="results"></p>
<form action="/d" method="get">
<label>Sort <select id="sort" name="sort"><option value="name">Name</option><option value="date">Date</option></select></label>
<label><input type="checkbox" id="exact" name="exact"> Exact</label>
<label>Note <input id="note" name="note"></label>
<label>Code <input id="code" name="code"></label>
<button id="save" type="submit">Save</button>
</form>`;

function pageD(query: URLSearchParams): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><title>Review</title>
<p id="summary">${escape(`${query.get('note') ?? ''} / ${query.get('code') ?? ''} / ${query.get('sort') ?? ''}`)}</p>
<label>Comment <input id="comment"></label>
<label>Rating <select id="rating"><option>1</option><option>2</option><option>3</option><option>4</option><option>5</option></select></label>
<label><input type="checkbox" id="confirm"> Confirm</label>
<button id="done" type="button" onclick="document.getElementById('status').textContent = 'done'">Done</button>
<p id="status"></p>`;
}

export function startThirtyStepPages(): Promise<PageServer> {
  return startPageServer({ '/a': PAGE_A, '/b': PAGE_B, '/c': PAGE_C }, { '/d': (req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageD(req.query)) });
}

/** The values the steps enter; the hand-written version uses the same ones. */
export const VALUES = {
  name: 'Ada Lovelace',
  city: 'London',
  country: 'fr',
  email: 'ada@example.test',
  plan: 'pro',
  company: 'Analytical Engines Ltd',
  zip: '75011',
  size: 'm',
  query: 'eta',
  sort: 'date',
  note: 'first order',
  code: 'AB12',
  comment: 'all good',
  rating: '4',
} as const;

/**
 * The node fields that decide the runner's waits. Unset (undefined) means the recording leaves
 * them out, so the original's defaults apply: before_sleep_time 3 s before extractions (and
 * end_sleep_time 5 s, an upper bound on the load wait after interactions, always left out).
 */
export type StepWaits = {
  extractionBeforeSleepTime?: number;
};

/** Retries as a recording carries them (the original's defaults): they only matter on a miss. */
const TRIES = { max_tries: 10, max_timeout_seconds_per_try: 1 };

export function thirtyStepRecording(pages: PageServer, waits: StepWaits) {
  const interaction = (action: Record<string, unknown>) => ({ type: 'action_node', interaction_action: { ...TRIES, ...action } });
  const fill = (id: string, text: string) => interaction({ input_text: { command: `locator("#${id}")`, input_text: text, fill_or_type: 'fill' } });
  const type = (id: string, text: string) => interaction({ input_text: { command: `locator("#${id}")`, input_text: text, fill_or_type: 'type' } });
  const select = (id: string, value: string) => interaction({ select_option: { command: `locator("#${id}")`, select_values: [value] } });
  const check = (id: string) => interaction({ check: { command: `locator("#${id}")` } });
  const click = (id: string) => interaction({ click_element: { command: `locator("#${id}")` } });
  const goTo = (path: string) => interaction({ go_to_url: { url: pages.url(path) } });
  const extract = (id: string) => ({
    type: 'action_node',
    ...(waits.extractionBeforeSleepTime === undefined ? {} : { before_sleep_time: waits.extractionBeforeSleepTime }),
    extraction_action: { locator: { command: `locator("#${id}")`, output_variable_name: id, extraction_format: { [id]: 'str' } } },
  });
  const v = VALUES;
  const nodes = [
    fill('name', v.name),
    type('city', v.city),
    select('country', v.country),
    check('terms'),
    click('add'),
    extract('count'),
    fill('email', v.email),
    select('plan', v.plan),
    check('newsletter'),
    click('next'), // a link: navigates to /b
    fill('company', v.company),
    type('zip', v.zip),
    select('size', v.size),
    check('agree'),
    click('compute'),
    extract('total'),
    goTo('/c'),
    fill('q', v.query),
    click('search'),
    extract('results'),
    select('sort', v.sort),
    check('exact'),
    fill('note', v.note),
    type('code', v.code),
    click('save'), // a form submit: navigates to /d
    extract('summary'),
    fill('comment', v.comment),
    select('rating', v.rating),
    check('confirm'),
    click('done'),
  ];
  return { url: pages.url('/a'), parameters: { input_parameters: {}, generated_parameters: {} }, nodes };
}

/** What the run must have read, so a run that went wrong is not timed as a fast one. */
export const EXPECTED_OUTPUTS = { count: '1', total: '14', results: '4 results', summary: 'first order / AB12 / date' } as const;
