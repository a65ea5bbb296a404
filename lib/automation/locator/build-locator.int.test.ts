import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveChromiumExecutable } from '../browser/chromium-executable.js';
import { buildLocator, type ResolveText } from './build-locator.js';
import { parseLocatorCommand } from './locator-command.js';

/** One page holding a target for every corpus form, next to look-alikes that a loose locator would also catch. */
const PORTAL = `
<main>
  <button id="sign-in">Sign In</button>
  <button id="sign-in-sso">Sign In with SSO</button>
  <a id="employment" href="#e">Employment Screening</a>
  <label>Last Name*" / "<input id="last-name"></label>
  <label>First Name<input id="first-name"></label>
  <nav aria-label="Eligibility"><a id="auth-elig" href="#a">Authorizations</a></nav>
  <nav aria-label="Eligibility History"><a id="auth-hist" href="#b">Authorizations</a></nav>
  <h1 id="welcome">Welcome</h1>
  <p id="welcome-back">Welcome back</p>
  <button data-testid="submitBtn" id="submit">Submit</button>
  <input id="tDatePicker">
  <div data-action="submit" id="data-action">x</div>
  <input data-test="login-password-input" id="password" type="password">
  <ul id="facList">
    <li><a id="fac-elm" href="#1">Elm</a></li><li><a id="fac-oak" href="#2">Oak</a></li><li><a id="fac-oak-ridge" href="#3">Oak Ridge</a></li>
  </ul>
  <input class="MuiInputBase-input" id="mui-1"><input class="MuiInputBase-input" id="mui-2">
  <table>
    <tr id="row-0"><td>Authorization Number</td><td id="auth-number">A-123</td></tr>
    <tr id="row-1"><td>Pending</td><td class="PatientNameCell" id="p1">Ann</td></tr>
    <tr id="row-2"><td class="archived">Done</td><td class="PatientNameCell" id="p2">Bob</td></tr>
  </table>
  <div id="pccUserMenu"><span id="sign-out">Sign Out</span></div>
  <span id="sign-out-footer">Sign Out</span>
  <iframe id="new-login-iframe" srcdoc="<input aria-label='Client ID *' id='client-id'><input aria-label='Client Secret' id='client-secret'>"></iframe>
  <iframe name="payment" srcdoc="<label>Card Number<input id='card'></label><label>Card Name<input id='card-name'></label>"></iframe>
  <iframe id="outer" srcdoc="<iframe id='inner' srcdoc='&lt;input id=&quot;deep&quot;&gt;'></iframe>"></iframe>
  <img alt="Company logo" id="logo" src="data:,">
  <span title="Issues count" id="issues">3</span>
  <input placeholder="Search patients" id="search">
  <div class="result" id="r1">Done</div><div class="result" id="r2">Pending</div>
  <ul id="products">
    <li id="prod-1">Product 1</li><li id="prod-2">Product 2</li><li id="prod-2-hidden" style="display:none">Product 2 old</li>
  </ul>
  <button id="new-sub" title="Subscribe">New</button><button id="new-plain">New</button>
</main>`;

const VARIABLES: Record<string, string> = {
  '{facility_name[0]}': 'Oak',
  '{index}': '1',
  '{locator[row]}': 'get_by_role("row").nth(2)',
};
const resolve: ResolveText = (text) => text.replace(/\{[^{}]+\}/g, (placeholder) => VARIABLES[placeholder] ?? placeholder);

/** [command, ids of the elements it must find, in document order]. */
const CASES: [string, string[]][] = [
  ['get_by_role("button", name="Sign In")', ['sign-in', 'sign-in-sso']],
  ['get_by_role("button", name="Sign In", exact=True)', ['sign-in']],
  ["get_by_role('link', name='Employment Screening')", ['employment']],
  ['get_by_role("textbox", name="Last Name*\\" / \\"")', ['last-name']],
  ['get_by_label("Eligibility", exact=True).get_by_role("link", name="Authorizations")', ['auth-elig']],
  ['get_by_text("Welcome", exact=True)', ['welcome']],
  ['get_by_text(re.compile("^welcome$", re.IGNORECASE))', ['welcome']],
  ['get_by_text(re.compile("^welcome$"))', []],
  ['get_by_role("heading", level=1)', ['welcome']],
  ['get_by_test_id("submitBtn")', ['submit']],
  ['locator("#tDatePicker")', ['tDatePicker']],
  ['locator("[data-action=\'submit\']")', ['data-action']],
  ['locator("[data-test=\\"login-password-input\\"]")', ['password']],
  ['locator("#facList a", has_text="{facility_name[0]}")', ['fac-oak', 'fac-oak-ridge']],
  ['locator("#facList a", has_text="{facility_name[0]}").first', ['fac-oak']],
  ['locator(".MuiInputBase-input").first', ['mui-1']],
  ['locator(".MuiInputBase-input").last', ['mui-2']],
  ['get_by_role("cell", name="Authorization Number").locator("+ td")', ['auth-number']],
  ['locator("#pccUserMenu").get_by_text("Sign Out")', ['sign-out']],
  ["locator('#new-login-iframe').content_frame.get_by_role('textbox', name='Client ID *')", ['client-id']],
  ['locator("iframe[name=\'payment\']").content_frame.get_by_label("Card Number")', ['card']],
  ['frame_locator("iframe[name=\'payment\']").get_by_label("Card Name")', ['card-name']],
  ['frame_locator("#outer").frame_locator("#inner").locator("input").first', ['deep']],
  ['locator("#new-login-iframe").content_frame', ['new-login-iframe']],
  ['get_by_role("row").nth(2)', ['row-2']],
  ['get_by_role("row").nth({index})', ['row-1']],
  ['{locator[row]}.locator("td.PatientNameCell")', ['p2']],
  ['get_by_placeholder("Search patients")', ['search']],
  ['locator("div.result", has_text="Pending")', ['r2']],
  ['locator("xpath=//table//tr[2]/td[2]")', ['p1']],
  ['locator("text=Welcome back")', ['welcome-back']],
  ['get_by_alt_text("Company logo")', ['logo']],
  ['get_by_title("Issues count")', ['issues']],
  ['locator("tr", has=page.get_by_role("cell", name="Pending"))', ['row-1']],
  ['locator("tr", has_not=page.locator("td.archived")).last', ['row-1']],
  ['locator("td", has_not_text=re.compile("^(authorization number|pending|done|ann|bob)$", re.I))', ['auth-number']],
  ['get_by_role("button", name="New").and_(page.get_by_title("Subscribe"))', ['new-sub']],
  ['get_by_role("button", name="Confirm").or_(page.get_by_text("Welcome back"))', ['welcome-back']],
  ['get_by_role("listitem").filter(has_text="Product 2")', ['prod-2']],
  ['locator("#products li", has_text="Product 2")', ['prod-2', 'prod-2-hidden']],
  ['locator("#products li", has_text="Product 2", visible=True)', ['prod-2']],
  ['locator("#products li").filter(has=page.get_by_text("old"), visible=False)', ['prod-2-hidden']],
  ['page.get_by_role("button", name="Sign In", exact=True)', ['sign-in']],
];

function idsOf(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) => elements.map((element) => element.id));
}

describe('buildLocator on a real page', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const { executablePath, args } = await resolveChromiumExecutable(process.env.CHROMIUM_PATH);
    browser = await chromium.launch({ executablePath, args, headless: true });
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    // setContent waits for `load`, which includes the srcdoc iframes.
    await page.setContent(PORTAL);
  });

  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser.close();
  });

  it.each(CASES)('%s finds %j', async (command, ids) => {
    expect(await idsOf(buildLocator(page, parseLocatorCommand(command), resolve))).toEqual(ids);
  });

  it('gives a locator that can be acted on inside an iframe', async () => {
    const clientId = buildLocator(page, parseLocatorCommand("locator('#new-login-iframe').content_frame.get_by_role('textbox', name='Client ID *')"));
    await clientId.fill('acme', { timeout: 5_000 });
    expect(await page.frameLocator('#new-login-iframe').locator('#client-id').inputValue({ timeout: 5_000 })).toBe('acme');
  });
});
