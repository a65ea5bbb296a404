import type { Page } from 'playwright-core';
import type { LocatorMethod, LocatorValue } from './locator-command.js';

/** The role union of Playwright's `getByRole` (same on Page, Locator and FrameLocator). */
export type AriaRole = Parameters<Page['getByRole']>[0];

/**
 * The roles `getByRole` accepts, spelled out because types do not exist at run time. The two
 * checks below fail type-checking when a playwright-core upgrade adds or drops a role.
 */
export const ARIA_ROLES = [
  'alert', 'alertdialog', 'application', 'article', 'banner', 'blockquote', 'button', 'caption', 'cell',
  'checkbox', 'code', 'columnheader', 'combobox', 'complementary', 'contentinfo', 'definition', 'deletion',
  'dialog', 'directory', 'document', 'emphasis', 'feed', 'figure', 'form', 'generic', 'grid', 'gridcell',
  'group', 'heading', 'img', 'insertion', 'link', 'list', 'listbox', 'listitem', 'log', 'main', 'marquee',
  'math', 'meter', 'menu', 'menubar', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'navigation', 'none',
  'note', 'option', 'paragraph', 'presentation', 'progressbar', 'radio', 'radiogroup', 'region', 'row',
  'rowgroup', 'rowheader', 'scrollbar', 'search', 'searchbox', 'separator', 'slider', 'spinbutton', 'status',
  'strong', 'subscript', 'superscript', 'switch', 'tab', 'table', 'tablist', 'tabpanel', 'term', 'textbox',
  'time', 'timer', 'toolbar', 'tooltip', 'tree', 'treegrid', 'treeitem',
] as const satisfies readonly AriaRole[];

type MissingRoles = Exclude<AriaRole, (typeof ARIA_ROLES)[number]>;
const ALL_ROLES_LISTED: [MissingRoles] extends [never] ? true : MissingRoles = true;
void ALL_ROLES_LISTED;

const ROLE_SET: ReadonlySet<string> = new Set(ARIA_ROLES);

export function isAriaRole(text: string): text is AriaRole {
  return ROLE_SET.has(text);
}

/** What a step is applied to: Python's Page, Locator or FrameLocator. */
export type Receiver = 'page' | 'locator' | 'frame';

export type ValueKind = LocatorValue['kind'];

export type MethodSpec = {
  receivers: readonly Receiver[];
  /** `same` keeps the receiver kind (nth on a FrameLocator stays a FrameLocator). */
  returns: Receiver | 'same';
  /** Positional parameters, all required (Python signatures of these methods have no optional ones). */
  positional: readonly { name: string; kinds: readonly ValueKind[] }[];
  /** Allowed keyword arguments and their value kinds; every one also accepts None (Python's default). */
  kwargs: Readonly<Record<string, readonly ValueKind[]>>;
};

const ANY: readonly Receiver[] = ['page', 'locator', 'frame'];
const TEXT: readonly ValueKind[] = ['string', 'placeholder'];
const TEXT_OR_REGEX: readonly ValueKind[] = ['string', 'regex', 'placeholder'];
const BOOL: readonly ValueKind[] = ['bool', 'placeholder'];
const INT: readonly ValueKind[] = ['int', 'placeholder'];
const LOCATOR: readonly ValueKind[] = ['locator'];

const TEXT_METHOD: MethodSpec = {
  receivers: ANY,
  returns: 'locator',
  positional: [{ name: 'text', kinds: TEXT_OR_REGEX }],
  kwargs: { exact: BOOL },
};

const FILTER_KWARGS = { has_text: TEXT_OR_REGEX, has_not_text: TEXT_OR_REGEX, has: LOCATOR, has_not: LOCATOR, visible: BOOL };

export const METHOD_SPECS: Readonly<Record<LocatorMethod, MethodSpec>> = {
  get_by_role: {
    receivers: ANY,
    returns: 'locator',
    positional: [{ name: 'role', kinds: TEXT }],
    kwargs: {
      name: TEXT_OR_REGEX,
      exact: BOOL,
      checked: BOOL,
      disabled: BOOL,
      expanded: BOOL,
      include_hidden: BOOL,
      level: INT,
      pressed: BOOL,
      selected: BOOL,
    },
  },
  get_by_text: TEXT_METHOD,
  get_by_label: TEXT_METHOD,
  get_by_placeholder: TEXT_METHOD,
  get_by_alt_text: TEXT_METHOD,
  get_by_title: TEXT_METHOD,
  get_by_test_id: { receivers: ANY, returns: 'locator', positional: [{ name: 'test_id', kinds: TEXT_OR_REGEX }], kwargs: {} },
  locator: { receivers: ANY, returns: 'locator', positional: [{ name: 'selector', kinds: TEXT }], kwargs: FILTER_KWARGS },
  frame_locator: { receivers: ANY, returns: 'frame', positional: [{ name: 'selector', kinds: TEXT }], kwargs: {} },
  nth: { receivers: ['locator', 'frame'], returns: 'same', positional: [{ name: 'index', kinds: INT }], kwargs: {} },
  filter: { receivers: ['locator'], returns: 'locator', positional: [], kwargs: FILTER_KWARGS },
  and_: { receivers: ['locator'], returns: 'locator', positional: [{ name: 'locator', kinds: LOCATOR }], kwargs: {} },
  or_: { receivers: ['locator'], returns: 'locator', positional: [{ name: 'locator', kinds: LOCATOR }], kwargs: {} },
};

export type PropertyName = 'first' | 'last' | 'content_frame';

export const PROPERTY_SPECS: Readonly<Record<PropertyName, { receivers: readonly Receiver[]; returns: Receiver | 'same' }>> = {
  first: { receivers: ['locator', 'frame'], returns: 'same' },
  last: { receivers: ['locator', 'frame'], returns: 'same' },
  content_frame: { receivers: ['locator'], returns: 'frame' },
};

export function isLocatorMethod(name: string): name is LocatorMethod {
  return Object.hasOwn(METHOD_SPECS, name);
}

export function isPropertyName(name: string): name is PropertyName {
  return Object.hasOwn(PROPERTY_SPECS, name);
}

export const RECEIVER_LABELS: Readonly<Record<Receiver, string>> = {
  page: 'the page',
  locator: 'a locator',
  frame: 'a frame locator',
};

const KIND_LABELS: Readonly<Record<ValueKind, string>> = {
  string: 'a string',
  int: 'an integer',
  bool: 'True or False',
  none: 'None',
  regex: 're.compile(...)',
  locator: 'a page. locator',
  placeholder: 'a placeholder',
};

export function describeKind(kind: ValueKind): string {
  return KIND_LABELS[kind];
}

/** `a string, re.compile(...) or a placeholder`. */
export function describeKinds(kinds: readonly ValueKind[]): string {
  const labels = kinds.map(describeKind);
  return labels.length < 2 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} or ${labels.at(-1) ?? ''}`;
}
