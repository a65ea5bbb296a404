import { describe, expect, it } from 'vitest';
import { formatLocatorCommand, LocatorCommandError, MAX_NESTING, parseLocatorCommand, type LocatorCommand } from './locator-command.js';

/** Every form of the spec's section 3 (corpus, docs, candidate logger), then the ones nobody records yet. */
const CORPUS = [
  'get_by_role("button", name="Sign In")',
  'get_by_role("button", name="Sign In", exact=True)',
  'get_by_role("row")',
  "get_by_role('link', name='Employment Screening')",
  'get_by_role("textbox", name="Last Name*\\" / \\"")',
  'get_by_label("Eligibility", exact=True).get_by_role("link", name="Authorizations")',
  'get_by_text("Welcome", exact=True)',
  'get_by_test_id("submitBtn")',
  'locator("#tDatePicker")',
  'locator("[data-action=\'submit\']")',
  'locator("[data-test=\\"login-password-input\\"]")',
  'locator("#facList a", has_text="{facility_name[0]}").first',
  'locator(".MuiInputBase-input").first',
  'get_by_role("cell", name="Authorization Number").locator("+ td")',
  'locator("#pccUserMenu").get_by_text("Sign Out")',
  "locator('#new-login-iframe').content_frame.get_by_role('textbox', name='Client ID *')",
  'locator("iframe[name=\'payment\']").content_frame.get_by_label("Card Number")',
  'get_by_role("row").nth(2)',
  '{locator[row]}.locator("td.PatientNameCell")',
  'get_by_placeholder("Search patients")',
  'locator("div.result", has_text="Pending")',
  'locator("xpath=/html/body/div[2]/form/input[1]")',
  'locator("text=Sign In")',
  'frame_locator("#payment").get_by_role("button", name="Pay")',
  'frame_locator("#outer").frame_locator("#inner").locator("input").first',
  'get_by_role("listitem").filter(has_text="Product 2")',
  'locator("li").filter(has=page.get_by_text("Sale"), visible=True)',
  'get_by_role("button", name="New").and_(page.get_by_title("Subscribe"))',
  'get_by_role("button", name="New").or_(page.get_by_text("Confirm"))',
  'get_by_text(re.compile("welcome", re.IGNORECASE))',
  'get_by_role("link", name=re.compile(r"^Sign\\s+out$", re.I))',
  'locator("div", has_not_text=re.compile("sold out"))',
  'get_by_label(r"C:\\Users\\name")',
  'locator("tr", has=page.get_by_role("cell", name="Pending")).last',
  'locator("tr", has_not=page.locator("td.archived"))',
  'page.get_by_role("button", name="Sign In")',
  'get_by_role("row").nth({index})',
  'get_by_role("{role[0]}", name="{label[0]}")',
  'locator("#a").nth(-1)',
  'get_by_alt_text("Company logo")',
  'get_by_title("Issues count")',
  'get_by_role("checkbox", checked=True, include_hidden=False, disabled=None)',
  'get_by_role("heading", level=2, expanded=False, pressed=True, selected=False)',
  '  get_by_role ( "button" ,\n name = "Sign In" , )  ',
];

/** The same command with every `position` removed, to compare parses of differently spelled text. */
function withoutPositions(command: LocatorCommand): unknown {
  return JSON.parse(JSON.stringify(command, (key, value: unknown) => (key === 'position' ? undefined : value)));
}

describe('parseLocatorCommand accepts the recorded forms', () => {
  it.each(CORPUS)('parses and round-trips %s', (text) => {
    const parsed = parseLocatorCommand(text);
    const formatted = formatLocatorCommand(parsed);
    expect(withoutPositions(parseLocatorCommand(formatted))).toEqual(withoutPositions(parsed));
    expect(formatLocatorCommand(parseLocatorCommand(formatted))).toBe(formatted);
  });

  it('decodes escaped quotes inside a role name', () => {
    expect(parseLocatorCommand('get_by_role("textbox", name="Last Name*\\" / \\"")')).toEqual({
      steps: [
        {
          kind: 'call',
          method: 'get_by_role',
          args: [{ kind: 'string', value: 'textbox' }],
          kwargs: [{ name: 'name', value: { kind: 'string', value: 'Last Name*" / "' } }],
          position: 0,
        },
      ],
    });
  });

  it('keeps a quoted placeholder verbatim and reads .first as a property', () => {
    expect(parseLocatorCommand('locator("#facList a", has_text="{facility_name[0]}").first')).toEqual({
      steps: [
        {
          kind: 'call',
          method: 'locator',
          args: [{ kind: 'string', value: '#facList a' }],
          kwargs: [{ name: 'has_text', value: { kind: 'string', value: '{facility_name[0]}' } }],
          position: 0,
        },
        { kind: 'property', name: 'first', position: 53 },
      ],
    });
  });

  it('reads content_frame between two calls, with each step at its offset', () => {
    const { steps } = parseLocatorCommand("locator('#new-login-iframe').content_frame.get_by_role('textbox', name='Client ID *')");
    expect(steps.map((step) => [step.kind === 'call' ? step.method : step.name, step.position])).toEqual([
      ['locator', 0],
      ['content_frame', 29],
      ['get_by_role', 43],
    ]);
  });

  it('reads nth with an integer and with an unquoted placeholder', () => {
    expect(parseLocatorCommand('get_by_role("row").nth(2)').steps[1]).toEqual({ kind: 'call', method: 'nth', args: [{ kind: 'int', value: 2 }], kwargs: [], position: 19 });
    expect(parseLocatorCommand('get_by_role("row").nth({index})').steps[1]).toMatchObject({ args: [{ kind: 'placeholder', text: '{index}' }] });
  });

  it('reads a leading locator placeholder as the base of the chain', () => {
    expect(parseLocatorCommand('{locator[row]}.locator("td.PatientNameCell")')).toEqual({
      base: { kind: 'placeholder', text: '{locator[row]}', position: 0 },
      steps: [{ kind: 'call', method: 'locator', args: [{ kind: 'string', value: 'td.PatientNameCell' }], kwargs: [], position: 15 }],
    });
  });

  it('reads re.compile with a raw pattern and re.I', () => {
    const [step] = parseLocatorCommand('get_by_role("link", name=re.compile(r"^Sign\\s+out$", re.I))').steps;
    expect(step).toMatchObject({ kwargs: [{ name: 'name', value: { kind: 'regex', source: '^Sign\\s+out$', ignoreCase: true } }] });
  });

  it('reads a nested page. locator as a value', () => {
    const command = parseLocatorCommand('get_by_role("button", name="New").and_(page.get_by_title("Subscribe"))');
    expect(withoutPositions(command)).toEqual({
      steps: [
        { kind: 'call', method: 'get_by_role', args: [{ kind: 'string', value: 'button' }], kwargs: [{ name: 'name', value: { kind: 'string', value: 'New' } }] },
        {
          kind: 'call',
          method: 'and_',
          args: [{ kind: 'locator', command: { steps: [{ kind: 'call', method: 'get_by_title', args: [{ kind: 'string', value: 'Subscribe' }], kwargs: [] }] } }],
          kwargs: [],
        },
      ],
    });
  });

  it('ignores a leading page. prefix and surrounding whitespace', () => {
    expect(withoutPositions(parseLocatorCommand('  page.get_by_role("row")\n'))).toEqual(withoutPositions(parseLocatorCommand('get_by_role("row")')));
  });

  it.each([
    ['"Last Name*\\" / \\""', 'Last Name*" / "'],
    ["'it\\'s'", "it's"],
    ['"tab\\there\\nnew\\rline"', 'tab\there\nnew\rline'],
    ['"\\x41\\u00e9\\U0001F600\\101"', 'Aé😀A'],
    ['"\\d+ keeps unknown escapes"', '\\d+ keeps unknown escapes'],
    ['r"\\d+\\""', '\\d+\\"'],
    ['"back\\\\slash"', 'back\\slash'],
    ["'say \"hi\"'", 'say "hi"'],
    ['"{name[0]} stays"', '{name[0]} stays'],
  ])('decodes the Python string %s', (literal, expected) => {
    const [step] = parseLocatorCommand(`get_by_text(${literal})`).steps;
    expect(step).toMatchObject({ args: [{ kind: 'string', value: expected }] });
  });
});

describe('formatLocatorCommand', () => {
  it('writes the canonical Python form without page.', () => {
    expect(formatLocatorCommand(parseLocatorCommand("page.locator('#a',has_text='x').first"))).toBe('locator("#a", has_text="x").first');
    expect(formatLocatorCommand(parseLocatorCommand('get_by_text(re.compile("a", re.I))'))).toBe('get_by_text(re.compile("a", re.IGNORECASE))');
  });

  it('escapes quotes, backslashes and control characters so the text parses back', () => {
    const value = 'a"b\\c\n\t\r\u0001\u007f\'é😀{x}';
    const command: LocatorCommand = { steps: [{ kind: 'call', method: 'get_by_text', args: [{ kind: 'string', value }], kwargs: [], position: 0 }] };
    const formatted = formatLocatorCommand(command);
    expect(formatted).toBe('get_by_text("a\\"b\\\\c\\n\\t\\r\\x01\\x7f\'é😀{x}")');
    expect(parseLocatorCommand(formatted)).toEqual(command);
  });

  it('round-trips random strings', () => {
    // A small seeded generator: deterministic, no dependency.
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['a', 'Z', ' ', '"', "'", '\\', '\n', '\t', '\u0000', '{', '}', 'é', '\u2028', 'x', '(', ')'];
    for (let run = 0; run < 200; run++) {
      const value = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const command: LocatorCommand = { steps: [{ kind: 'call', method: 'locator', args: [{ kind: 'string', value: `#${value}` }], kwargs: [], position: 0 }] };
      expect(parseLocatorCommand(formatLocatorCommand(command))).toEqual(command);
    }
  });
});

/** [command, position of the problem, fragment of the message]. */
const BAD: [string, number, string][] = [
  ['evaluate("x")', 0, 'unknown method or property "evaluate"'],
  ['page.evaluate("x")', 5, 'unknown method or property "evaluate"'],
  ['get_by_role("button").__class__', 22, 'unknown method or property "__class__"'],
  ['locator("a").click()', 13, 'unknown method or property "click"'],
  ['__import__("os")', 0, 'unknown method or property "__import__"'],
  ['locator("a")+1', 12, 'unexpected "+" at position 12: expected "." or end of input'],
  ['get_by_role("button", name=open("x"))', 27, 'unexpected name "open" at position 27: expected a value'],
  ['locator("a"); page.goto("x")', 12, 'unexpected ";"'],
  ['locator("a")[0]', 12, 'unexpected "["'],
  ['locator("a") if True else locator("b")', 13, 'unexpected name "if"'],
  ['get_by_role("button"), name="x"', 21, 'unexpected ","'],
  ['get_by_role("button", name=)', 27, 'unexpected ")" at position 27: expected a value'],
  ['get_by_role("button", name="Sign In)', 27, 'unterminated string'],
  ["locator('a", 8, 'unterminated string'],
  ['get_by_text(r"\\")', 12, 'unterminated string'],
  ['get_by_role("button", nam="x")', 22, 'unknown keyword argument "nam" for get_by_role'],
  ['locator("a", exact=True)', 13, 'unknown keyword argument "exact" for locator'],
  ['get_by_role("button", constructor="x")', 22, 'unknown keyword argument "constructor"'],
  ['get_by_role("button", exact="yes")', 28, 'wrong type for "exact" of get_by_role'],
  ['get_by_text("a", exact=1)', 23, 'found an integer'],
  ['get_by_role("row").nth("2")', 23, 'wrong type for "index" of nth'],
  ['locator("a", has="b")', 17, 'wrong type for "has" of locator'],
  ['locator("a", has=locator("b"))', 17, 'unexpected name "locator"'],
  ['get_by_role("buton")', 12, 'unknown ARIA role "buton"'],
  ['', 0, 'unexpected end of input at position 0'],
  ['   ', 3, 'unexpected end of input'],
  ['locator("")', 8, 'empty "selector" for locator'],
  ['get_by_role()', 12, 'missing argument "role" for get_by_role'],
  ['get_by_role("button", name="a", name="b")', 32, 'keyword argument "name" repeated'],
  ['get_by_role(name="a", "button")', 22, 'positional argument follows keyword argument'],
  ['locator("a", lambda: 1)', 13, 'too many positional arguments for locator'],
  ['get_by_role("button").first()', 27, '"first" is a property and cannot be called'],
  ['get_by_role("button", name=None).nth', 36, 'expected "(" after nth'],
  ['nth(0)', 0, 'nth() cannot be used on the page'],
  ['first', 0, '"first" cannot be used on the page'],
  ['frame_locator("iframe").filter(has_text="x")', 24, 'filter() cannot be used on a frame locator'],
  ['locator("a").content_frame.content_frame', 27, '"content_frame" cannot be used on a frame locator'],
  ['locator("a", has=page.frame_locator("f"))', 17, 'must end on a locator'],
  ['get_by_text(f"{x}")', 12, 'string prefix "f" is not supported'],
  ['get_by_text(re.compile("(unclosed"))', 23, 'invalid regular expression'],
  ['get_by_text(re.compile("a", re.MULTILINE))', 31, 'unexpected name "MULTILINE"'],
  ['get_by_text(re.escape("a"))', 15, 'unexpected name "escape"'],
  ['get_by_text("a\\x4")', 14, 'invalid \\x escape'],
  ['locator("a").nth(01)', 17, 'invalid number "01"'],
  ['{x[0]', 0, 'unterminated placeholder'],
  ['page.page.locator("a")', 5, 'unknown method or property "page"'],
  ['get_by_role("button", name="x"),', 31, 'unexpected ","'],
];

describe('parseLocatorCommand rejects everything else', () => {
  it.each(BAD)('rejects %j at position %i', (text, position, fragment) => {
    let caught: unknown;
    try {
      parseLocatorCommand(text);
    } catch (error) {
      caught = error;
    }
    if (!(caught instanceof LocatorCommandError)) throw new Error(`expected a LocatorCommandError, got ${String(caught)}`);
    expect({ position: caught.position, command: caught.command }).toEqual({ position, command: text });
    expect(caught.message).toContain(fragment);
    expect(caught.message).toContain(`at position ${position}`);
  });

  it('rejects a command longer than 10,000 characters before reading it', () => {
    const text = `locator("${'a'.repeat(10_000)}")`;
    expect(() => parseLocatorCommand(text)).toThrow(expect.objectContaining({ position: 10_000, message: expect.stringContaining('characters long') }));
  });

  it(`accepts locators nested ${MAX_NESTING} deep and rejects one more`, () => {
    const nest = (levels: number): string => (levels === 0 ? 'locator("a")' : `locator("a", has=page.${nest(levels - 1)})`);
    expect(() => parseLocatorCommand(nest(MAX_NESTING))).not.toThrow();
    const tooDeep = nest(MAX_NESTING + 1);
    const lastPage = tooDeep.lastIndexOf('page.');
    expect(() => parseLocatorCommand(tooDeep)).toThrow(expect.objectContaining({ position: lastPage, message: expect.stringContaining('nested more than 10') }));
  });
});
