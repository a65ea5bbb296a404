import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildLocator, LocatorBuildError, type ResolveText } from './build-locator.js';
import { parseLocatorCommand, type LocatorCommand } from './locator-command.js';
import { toJsRegExp } from './python-regex.js';

type Call = { method: string; args: unknown[] };
const CALLS = Symbol('calls');

/**
 * A stand-in for Page/Locator/FrameLocator that records the chain of JS calls made on it, so the
 * snake_case → Playwright mapping is checked without a browser. Nested locators (has=, and_)
 * show up as their own recorded chains.
 */
function recorder(calls: Call[] = []): unknown {
  return new Proxy(
    {},
    {
      get(_target, property) {
        if (property === CALLS) return calls;
        if (typeof property !== 'string' || property === 'then') return undefined;
        return (...args: unknown[]) => recorder([...calls, { method: property, args: args.map(readable) }]);
      },
    },
  );
}

function readable(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null || arg instanceof RegExp) return arg;
  const calls: unknown = Reflect.get(arg, CALLS);
  if (calls) return { chain: calls };
  return Object.fromEntries(Object.entries(arg).map(([key, value]) => [key, readable(value)]));
}

function build(command: string | LocatorCommand, resolve?: ResolveText): Call[] {
  const page = recorder() as Page;
  const parsed = typeof command === 'string' ? parseLocatorCommand(command) : command;
  return Reflect.get(buildLocator(page, parsed, resolve), CALLS) as Call[];
}

const variables: Record<string, string> = { '{facility_name[0]}': 'Oak', '{index}': '3', '{bad}': 'abc', '{flag}': 'True' };
const resolve: ResolveText = (text) => text.replace(/\{[^{}]+\}/g, (placeholder) => variables[placeholder] ?? placeholder);

describe('buildLocator maps Python calls to Playwright JS', () => {
  it.each<[string, Call[]]>([
    ['get_by_role("button", name="Sign In", exact=True)', [{ method: 'getByRole', args: ['button', { name: 'Sign In', exact: true }] }]],
    [
      'get_by_role("checkbox", checked=True, include_hidden=False, disabled=None, level=2)',
      [{ method: 'getByRole', args: ['checkbox', { checked: true, includeHidden: false, level: 2 }] }],
    ],
    ['get_by_text("Welcome", exact=True)', [{ method: 'getByText', args: ['Welcome', { exact: true }] }]],
    ['get_by_alt_text("logo")', [{ method: 'getByAltText', args: ['logo', {}] }]],
    ['get_by_test_id("submitBtn")', [{ method: 'getByTestId', args: ['submitBtn'] }]],
    [
      'locator("#facList a", has_text="{facility_name[0]}").first',
      [
        { method: 'locator', args: ['#facList a', { hasText: 'Oak' }] },
        { method: 'first', args: [] },
      ],
    ],
    [
      'locator("li", has_not_text="x", visible=True)',
      [
        { method: 'locator', args: ['li', { hasNotText: 'x' }] },
        { method: 'filter', args: [{ visible: true }] },
      ],
    ],
    [
      'locator("tr", has=page.get_by_text("A"), has_not=page.locator("td.x")).filter(visible={flag})',
      [
        { method: 'locator', args: ['tr', { has: { chain: [{ method: 'getByText', args: ['A', {}] }] }, hasNot: { chain: [{ method: 'locator', args: ['td.x', {}] }] } }] },
        { method: 'filter', args: [{ visible: true }] },
      ],
    ],
    [
      "locator('#login').content_frame.get_by_role('textbox').nth({index})",
      [
        { method: 'locator', args: ['#login', {}] },
        { method: 'contentFrame', args: [] },
        { method: 'getByRole', args: ['textbox', {}] },
        { method: 'nth', args: [3] },
      ],
    ],
    [
      'frame_locator("#pay").last',
      [
        { method: 'frameLocator', args: ['#pay'] },
        { method: 'last', args: [] },
        { method: 'owner', args: [] },
      ],
    ],
    [
      'get_by_role("button").and_(page.get_by_title("New")).or_(page.get_by_text("B"))',
      [
        { method: 'getByRole', args: ['button', {}] },
        { method: 'and', args: [{ chain: [{ method: 'getByTitle', args: ['New', {}] }] }] },
        { method: 'or', args: [{ chain: [{ method: 'getByText', args: ['B', {}] }] }] },
      ],
    ],
  ])('builds %s', (command, expected) => {
    expect(build(command, resolve)).toEqual(expected);
  });

  it('turns re.compile into a RegExp, resolving placeholders in its source', () => {
    const [call] = build('get_by_text(re.compile("^{facility_name[0]}$", re.IGNORECASE))', resolve);
    expect(call?.args[0]).toEqual(/^Oak$/i);
  });

  it('resolves a base placeholder to a command parsed by the same grammar', () => {
    const rows: ResolveText = (text) => (text === '{locator[row]}' ? 'locator("tr.patient").nth(1)' : text);
    expect(build('{locator[row]}.locator("td.PatientNameCell")', rows).map((call) => call.method)).toEqual(['locator', 'nth', 'locator']);
  });

  it.each<[string, ResolveText | undefined, RegExp]>([
    ['get_by_role("row").nth({bad})', resolve, /nth\(\) at position 19 index: placeholder \{bad\} resolved to "abc", not an integer/],
    ['get_by_role("row").nth({index})', undefined, /placeholder \{index\} resolved to "\{index\}"/],
    ['get_by_role("button", exact={bad})', resolve, /placeholder \{bad\} resolved to "abc", not True or False/],
    ['get_by_role({bad})', resolve, /unknown ARIA role "abc"/],
    ['{locator[row]}.first', undefined, /placeholder \{locator\[row\]\} was not resolved to a locator command/],
    ['{locator[row]}.first', () => 'evaluate("x")', /placeholder \{locator\[row\]\} did not resolve to a locator command: unknown method/],
  ])('throws a clear error for %s', (command, resolver, message) => {
    expect(() => build(command, resolver)).toThrow(message);
  });

  it.each<[string, LocatorCommand, RegExp]>([
    ['first on the page', { steps: [{ kind: 'property', name: 'first', position: 0 }] }, /"first" at position 0 cannot be used on the page/],
    [
      'filter on a frame locator',
      {
        steps: [
          { kind: 'call', method: 'frame_locator', args: [{ kind: 'string', value: '#f' }], kwargs: [], position: 0 },
          { kind: 'call', method: 'filter', args: [], kwargs: [], position: 19 },
        ],
      },
      /filter\(\) at position 19 cannot be used on a frame locator/,
    ],
    ['a missing role', { steps: [{ kind: 'call', method: 'get_by_role', args: [], kwargs: [], position: 0 }] }, /takes 1 positional argument\(s\), got 0/],
    [
      'a wrong value kind',
      {
        steps: [
          { kind: 'call', method: 'locator', args: [{ kind: 'string', value: 'a' }], kwargs: [], position: 0 },
          { kind: 'call', method: 'nth', args: [{ kind: 'string', value: '1' }], kwargs: [], position: 13 },
        ],
      },
      /nth\(\) at position 13 index: expected an integer, found a string value/,
    ],
    [
      'an unknown keyword',
      { steps: [{ kind: 'call', method: 'get_by_text', args: [{ kind: 'string', value: 'a' }], kwargs: [{ name: 'bogus', value: { kind: 'bool', value: true } }], position: 0 }] },
      /unknown keyword argument "bogus"/,
    ],
    ['no steps', { steps: [] }, /no steps/],
  ])('rejects a hand-built command with %s', (_label, command, message) => {
    expect(() => build(command)).toThrow(LocatorBuildError);
    expect(() => build(command)).toThrow(message);
  });
});

describe('toJsRegExp', () => {
  it.each<[string, boolean, RegExp]>([
    ['^Sign\\s+out$', true, /^Sign\s+out$/i],
    ['(?i)welcome', false, /welcome/i],
    ['(?P<id>\\d+)-(?P=id)', false, /(?<id>\d+)-\k<id>/],
    ['\\Aabc\\Z', false, /^abc$/],
    ['[]a]', false, /[\]a]/],
    ['[^]a]', false, /[^\]a]/],
    ['\\[(?P<x>a)\\]', false, /\[(?<x>a)\]/],
  ])('translates %s', (source, ignoreCase, expected) => {
    expect(toJsRegExp(source, ignoreCase)).toEqual(expected);
  });

  it('rejects inline flags with no JS meaning', () => {
    expect(() => toJsRegExp('(?x) a b', false)).toThrow(/inline flag "x"/);
  });
});
