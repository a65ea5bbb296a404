import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSelectOptionsHtml } from './select-options-html.js';

// Markup as Chromium serialises a <select>'s children; answers as `select.options` gives them.
const option = (value: string, label = value) => ({ value, label });

describe('readSelectOptionsHtml', () => {
  it.each([
    [
      'reads value attributes and text labels, in document order',
      '<option value="">Choose</option><option value="fr">France</option><option value="de" selected="">Germany</option>',
      [option('', 'Choose'), option('fr', 'France'), option('de', 'Germany')],
    ],
    ['takes the text, ASCII white space stripped and collapsed, as the value of an option without one', '<option>\n  New\t\tYork \r\n</option>', [option('New York')]],
    ['keeps a value or label attribute as written, white space included', '<option value=" a  b " label=" L ">text</option>', [option(' a  b ', ' L ')]],
    [
      'keeps U+00A0 (escaped as &nbsp;) where ASCII white space would be stripped',
      '<option>&nbsp;a &nbsp; b&nbsp;</option><option value="&nbsp;x">y</option>',
      [option('\u00a0a \u00a0 b\u00a0'), option('\u00a0x', 'y')],
    ],
    ['uses a label attribute over the text', '<option label="Short">A long description</option>', [option('A long description', 'Short')]],
    ['gives the raw text content for an empty label attribute', '<option label="">  spaced  out </option>', [option('spaced out', '  spaced  out ')]],
    [
      'falls back to the raw text content, then to "", when an option has no label and blank text',
      '<option value="v"> \n </option><option value="w"></option>',
      [option('v', ' \n '), option('w', '')],
    ],
    ['decodes the references the serialiser writes, in text and in attributes', '<option value="a&amp;b &quot;q&quot;">x &lt;y&gt; &amp; z</option>', [option('a&b "q"', 'x <y> & z')]],
    ['reads < and > in attribute values, escaped (recent Chromium) or not', '<option value="&lt;b&gt;" label="<i>">x</option>', [option('<b>', '<i>')]],
    ['keeps quotes and apostrophes in text as written', `<option>It's "fine"</option>`, [option(`It's "fine"`)]],
    ['decodes numeric and &apos; references that a hand-written page may hold', '<option value="&#65;&#x42;&#X1F600;">&apos;&#233;</option>', [option('AB😀', "'é")]],
    ['reads unicode text as is', '<option value="日本">日本語 — Ünïcödé 😀</option>', [option('日本', '日本語 — Ünïcödé 😀')]],
    [
      'lists the options of optgroups, not the groups',
      '<optgroup label="EU"><option>France</option></optgroup><option>Other</option><optgroup label="Asia"><legend>Asia</legend><option>Japan</option></optgroup>',
      [option('France'), option('Other'), option('Japan')],
    ],
    ['joins the text of inline elements inside an option', '<option><img src="flag.png" alt="FR"><b>Fr</b>ance <span class="hint">(EU)</span></option>', [option('France (EU)')]],
    ['leaves comments out of the text', '<!-- first --><option>a<!-- <option>hidden</option> -->b</option>', [option('ab')]],
    [
      'lists options inside wrapper elements and after separators, as customizable selects do',
      '<button><selectedcontent>One</selectedcontent></button><div class="row"><option>One</option></div><hr><span><option>Two</option></span>',
      [option('One'), option('Two')],
    ],
    ['reads the text of SVG icons inside an option', '<option><svg viewBox="0 0 1 1"><title>icon</title><path d="M0 0"></path></svg> Label</option>', [option('icon Label')]],
    ['answers an empty list for a select without options', '<optgroup label="none"></optgroup>', []],
  ])('%s', (_behaviour, html, expected) => {
    expect(readSelectOptionsHtml(html)).toEqual(expected);
  });

  it.each([
    ['a nested select', '<option>a</option><div><select><option>b</option></select></div>'],
    ['a datalist (listed or not depending on the Chromium version)', '<datalist><option>a</option></datalist>'],
    ['a template', '<template><option>a</option></template>'],
    ['an option inside an option (made by script)', '<option>a<option>b</option></option>'],
    ['an optgroup inside an optgroup', '<optgroup><div><optgroup><option>a</option></optgroup></div></optgroup>'],
    ['a script, whose text is serialised unescaped', '<option>a<script>if (a < b) {}</script></option>'],
    ['a style element', '<option>a<style>b > c {}</style></option>'],
    ['noscript, unescaped while scripting is on', '<noscript><option>a</option></noscript>'],
    ['an option inside SVG, which may be an SVG element', '<svg><option>a</option></svg>'],
    ['a void-named element inside SVG', '<option><svg><foreignObject><br></foreignObject></svg></option>'],
    ['an element named in another case (made by script in another namespace)', '<OPTION>a</OPTION>'],
    ['a prefixed element name (an XML serialisation)', '<h:option>a</h:option>'],
    ['a self-closing tag (an XML serialisation)', '<option>a<br/></option>'],
    ['an end tag that closes nothing open', '<option>a</option></div>'],
    ['an element left open', '<option>a'],
    ['a bare > in text (a comment that held "-->")', '<option><!--x-->y--></option>'],
    ['an unknown named reference', '<option>&copy;</option>'],
    ['a reference without its semicolon', '<option>&amp b</option>'],
    ['a windows-1252 numeric reference, read differently by HTML and XML', '<option>&#150;</option>'],
    ['a reference to a surrogate', '<option>&#xD800;</option>'],
    ['a duplicated attribute (two namespaces, made by script)', '<option value="a" value="b">x</option>'],
    ['an unquoted attribute', '<option value=a>x</option>'],
    ['a doctype or processing instruction', '<?php x ?><option>a</option>'],
  ])('declines %s', (_shape, html) => {
    expect(readSelectOptionsHtml(html)).toBeNull();
  });

  it('answers a list or null, quickly, whatever the text', () => {
    const TOKENS = ['<option', '<optgroup', '<div', '<svg', '</option>', '</div>', '>', '<', '/>', ' value="', ' label=', '"', '=', '&amp;', '&', ';', '&#x', '<!--', '-->', 'a', ' ', '\n'];
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 200 })), (html) => {
        const answer = readSelectOptionsHtml(html);
        expect(answer === null || Array.isArray(answer)).toBe(true);
      }),
      { seed: 20_260_115, numRuns: 2000 },
    );
    const started = Date.now();
    expect(readSelectOptionsHtml('<option value="x">an option</option>'.repeat(20_000))).toHaveLength(20_000);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
