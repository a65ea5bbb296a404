import fc from 'fast-check';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../../../test/support/browser.js';
import { buildInPage, element, ordinarySelect, plainText, toDomNodes, toMarkup, wildSelect, type TreeNode } from '../../../../test/support/select-trees.js';
import { readSelectOptionsHtml } from './select-options-html.js';
import type { SelectOption } from './smart-select.js';

// The reader must give what select_option read before it: this evaluation, in the page.
function evaluateOptions(select: Locator): Promise<SelectOption[]> {
  type OptionLike = { value: string; label: string; textContent: string | null };
  return select.evaluate((node) =>
    Array.from((node as unknown as { options: ArrayLike<OptionLike> }).options, (o) => ({ value: o.value, label: o.label || o.textContent || '' })),
  );
}

/** The reader's answer on Chromium's serialisation, and the page's own. */
async function bothReadings(select: Locator) {
  const html = await select.innerHTML();
  return { html, fromMarkup: readSelectOptionsHtml(html), fromPage: await evaluateOptions(select) };
}

const RUNS = { seed: 20_260_115, numRuns: 150 };

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchTestBrowser();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
});

async function readWrittenMarkup(body: string) {
  await page.setContent(`<!doctype html><select id="s">${body}</select>`);
  return bothReadings(page.locator('#s'));
}

/** A page with an empty select, for readBuiltTree to fill. */
const EMPTY_SELECT = '<!doctype html><select id="s"></select>';

async function readBuiltTree(nodes: TreeNode[]) {
  const select = page.locator('#s');
  await select.evaluate(buildInPage, toDomNodes(nodes));
  return bothReadings(select);
}

describe('reading a select from the markup Chromium serialises', () => {
  it.each([
    ['values, labels and a selected option', '<option value="">Choose</option><option value="fr">France</option><option value="de" selected>Germany</option>'],
    ['options without values, text spread over lines', '<option>\n  New\tYork\n</option><option>  Los   Angeles </option>'],
    ['label attributes: set, empty, bare and absent', '<option label="Short">Long text</option><option label="">  raw  text </option><option label>bare</option><option>none</option>'],
    ['references in text and attributes', '<option value="a&amp;b &quot;c&quot; &lt;d&gt;">x &lt; y &gt; z &amp; &eacute; &#x1F600; &nbsp;</option>'],
    ['U+00A0 next to ASCII white space', '<option>&nbsp; a &nbsp;</option><option value="&nbsp;">\u00a0</option>'],
    ['optgroups with legends', '<optgroup label="EU"><legend>Europe</legend><option>France</option></optgroup><optgroup label="Asia"><option>Japan</option></optgroup><option>Other</option>'],
    ['rich option content', '<option><img src="x.png" alt="flag"><b>Fr</b>ance <span>(EU)</span><br></option><option><svg viewBox="0 0 1 1"><title>icon</title></svg>Icon</option>'],
    ['a customizable select', '<button><selectedcontent></selectedcontent></button><div><option>One</option></div><hr><span><option>Two</option></span><optgroup><div><option>Three</option></div></optgroup>'],
    ['comments', '<!-- head --><option>a<!-- inner -->b</option><!-- tail -->'],
    ['upper-case tags and attributes', '<OPTION VALUE="v1" LABEL="L1">one</OPTION><OptGroup Label="g"><Option>two</Option></OptGroup>'],
    ['quotes, unicode and empty options', `<option value="it's">"quoted"</option><option>日本語 — Ünïcödé</option><option></option><option value=""></option>`],
  ])('answers as the page does for %s', async (_shape, body) => {
    const { fromMarkup, fromPage } = await readWrittenMarkup(body);
    expect(fromMarkup).not.toBeNull();
    expect(fromMarkup).toEqual(fromPage);
  });

  it('answers as the page does for random option lists written as HTML, never declining them', async () => {
    await fc.assert(
      fc.asyncProperty(ordinarySelect, async (nodes) => {
        const { html, fromMarkup, fromPage } = await readWrittenMarkup(toMarkup(nodes));
        expect(fromMarkup, html).toEqual(fromPage);
      }),
      RUNS,
    );
  });

  it('answers as the page does for random option lists built with DOM calls, never declining them', async () => {
    await page.setContent(EMPTY_SELECT);
    await fc.assert(
      fc.asyncProperty(ordinarySelect, async (nodes) => {
        const { html, fromMarkup, fromPage } = await readBuiltTree(nodes);
        expect(fromMarkup, html).toEqual(fromPage);
      }),
      RUNS,
    );
  });

  it('declines, or answers as the page does, for shapes only script builds (nested selects, scripts, options in options)', async () => {
    await page.setContent(EMPTY_SELECT);
    let declined = 0;
    await fc.assert(
      fc.asyncProperty(wildSelect, async (nodes) => {
        const { html, fromMarkup, fromPage } = await readBuiltTree(nodes);
        if (fromMarkup === null) declined++;
        else expect(fromMarkup, html).toEqual(fromPage);
      }),
      RUNS,
    );
    // Some of these trees are ordinary: the reader still answers for them.
    expect(declined).toBeGreaterThan(0);
    expect(declined).toBeLessThan(RUNS.numRuns);
  });

  it('declines an option inside an option, which the page lists once with both texts', async () => {
    await page.setContent(EMPTY_SELECT);
    const { fromMarkup, fromPage } = await readBuiltTree([element('option', [], [plainText('a'), element('option', [], [plainText('b')])])]);
    expect(fromPage).toEqual([{ value: 'ab', label: 'ab' }]);
    expect(fromMarkup).toBeNull();
  });
});
