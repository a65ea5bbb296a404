import type { FrameLocator, Locator, Page } from 'playwright-core';
import { LocatorCommandError, MAX_NESTING, parseLocatorCommand, type LocatorCommand, type LocatorStep, type LocatorValue } from './locator-command.js';
import { isAriaRole, isLocatorMethod, isPropertyName, METHOD_SPECS, RECEIVER_LABELS } from './locator-methods.js';
import { toJsRegExp } from './python-regex.js';

/** Substitutes `{placeholders}` inside a string value; identity by default. */
export type ResolveText = (text: string) => string;

/** A command that parsed (or was built by hand) but cannot be applied: wrong receiver, bad value. */
export class LocatorBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocatorBuildError';
  }
}

type Target = { kind: 'page'; page: Page } | { kind: 'locator'; locator: Locator } | { kind: 'frame'; frame: FrameLocator };
type Call = Extract<LocatorStep, { kind: 'call' }>;
type RoleOptions = NonNullable<Parameters<Page['getByRole']>[1]>;
type LocatorOptions = NonNullable<Parameters<Locator['locator']>[1]>;
type FilterOptions = NonNullable<Parameters<Locator['filter']>[0]>;

const identity: ResolveText = (text) => text;

/**
 * The Playwright locator for a parsed command, the JS twin of the original `eval(f"page.{command}")`.
 * A command that ends on a frame locator gives the iframe element (`owner()`), so every command
 * can be clicked, counted or waited for.
 */
export function buildLocator(page: Page, command: LocatorCommand, resolve: ResolveText = identity): Locator {
  const end = new Builder(page, resolve).chain(command, 0);
  if (end.kind === 'frame') return end.frame.owner();
  if (end.kind === 'page') throw new LocatorBuildError('locator command has no steps');
  return end.locator;
}

class Builder {
  private readonly page: Page;
  private readonly resolve: ResolveText;

  constructor(page: Page, resolve: ResolveText) {
    this.page = page;
    this.resolve = resolve;
  }

  chain(command: LocatorCommand, depth: number): Target {
    // A hand-built command may nest without bound (or even contain itself).
    if (depth > MAX_NESTING) throw new LocatorBuildError(`locators nested more than ${MAX_NESTING} deep`);
    let target: Target = command.base ? this.base(command.base.text, depth) : { kind: 'page', page: this.page };
    for (const step of command.steps) target = this.step(target, step, depth);
    return target;
  }

  /** `{locator[row]}.locator(...)`: the placeholder must resolve to a command text, parsed by the same grammar. */
  private base(text: string, depth: number): Target {
    const resolved = this.resolve(text);
    if (resolved.trim() === text) throw new LocatorBuildError(`placeholder ${text} was not resolved to a locator command`);
    let command: LocatorCommand;
    try {
      command = parseLocatorCommand(resolved);
    } catch (error) {
      if (!(error instanceof LocatorCommandError)) throw error;
      throw new LocatorBuildError(`placeholder ${text} did not resolve to a locator command: ${error.message}`, { cause: error });
    }
    if (command.base) throw new LocatorBuildError(`placeholder ${text} resolved to another placeholder (${command.base.text})`);
    return this.chain(command, depth + 1);
  }

  private step(target: Target, step: LocatorStep, depth: number): Target {
    checkShape(step);
    if (step.kind === 'property') {
      if (step.name === 'content_frame') return { kind: 'frame', frame: this.asLocator(target, step).contentFrame() };
      if (target.kind === 'frame') return { kind: 'frame', frame: step.name === 'first' ? target.frame.first() : target.frame.last() };
      const locator = this.asLocator(target, step);
      return { kind: 'locator', locator: step.name === 'first' ? locator.first() : locator.last() };
    }
    const where = `${step.method}() at position ${step.position}`;
    const scope = target.kind === 'page' ? target.page : target.kind === 'locator' ? target.locator : target.frame;
    // Every method takes at most one positional argument; checkShape made sure it is there.
    const first = step.args[0] ?? { kind: 'none' };
    const firstLabel = `${where} ${METHOD_SPECS[step.method].positional[0]?.name ?? ''}`;
    switch (step.method) {
      case 'get_by_role': {
        const role = this.text(first, firstLabel);
        if (!isAriaRole(role)) throw new LocatorBuildError(`${where}: unknown ARIA role ${JSON.stringify(role)}`);
        return { kind: 'locator', locator: scope.getByRole(role, this.roleOptions(step, where)) };
      }
      case 'get_by_text':
        return { kind: 'locator', locator: scope.getByText(this.textOrRegex(first, firstLabel), this.exactOption(step, where)) };
      case 'get_by_label':
        return { kind: 'locator', locator: scope.getByLabel(this.textOrRegex(first, firstLabel), this.exactOption(step, where)) };
      case 'get_by_placeholder':
        return { kind: 'locator', locator: scope.getByPlaceholder(this.textOrRegex(first, firstLabel), this.exactOption(step, where)) };
      case 'get_by_alt_text':
        return { kind: 'locator', locator: scope.getByAltText(this.textOrRegex(first, firstLabel), this.exactOption(step, where)) };
      case 'get_by_title':
        return { kind: 'locator', locator: scope.getByTitle(this.textOrRegex(first, firstLabel), this.exactOption(step, where)) };
      case 'get_by_test_id':
        return { kind: 'locator', locator: scope.getByTestId(this.textOrRegex(first, firstLabel)) };
      case 'locator': {
        const { visible, ...options } = this.filterOptions(step, where, depth);
        const locator = scope.locator(this.text(first, firstLabel), options);
        // Locator options have no `visible` in this playwright-core; filter() does.
        return { kind: 'locator', locator: visible === undefined ? locator : locator.filter({ visible }) };
      }
      case 'frame_locator':
        return { kind: 'frame', frame: scope.frameLocator(this.text(first, firstLabel)) };
      case 'nth': {
        const index = this.int(first, firstLabel);
        if (target.kind === 'frame') return { kind: 'frame', frame: target.frame.nth(index) };
        return { kind: 'locator', locator: this.asLocator(target, step).nth(index) };
      }
      case 'filter':
        return { kind: 'locator', locator: this.asLocator(target, step).filter(this.filterOptions(step, where, depth)) };
      case 'and_':
        return { kind: 'locator', locator: this.asLocator(target, step).and(this.locator(first, firstLabel, depth)) };
      case 'or_':
        return { kind: 'locator', locator: this.asLocator(target, step).or(this.locator(first, firstLabel, depth)) };
    }
  }

  private asLocator(target: Target, step: LocatorStep): Locator {
    if (target.kind === 'locator') return target.locator;
    const name = step.kind === 'call' ? `${step.method}()` : `"${step.name}"`;
    throw new LocatorBuildError(`${name} at position ${step.position} cannot be used on ${RECEIVER_LABELS[target.kind]}`);
  }

  private roleOptions(call: Call, where: string): RoleOptions {
    const options: RoleOptions = {};
    for (const { name, value } of call.kwargs) {
      if (value.kind === 'none') continue;
      const label = `${where} ${name}`;
      if (name === 'name') options.name = this.textOrRegex(value, label);
      else if (name === 'exact') options.exact = this.bool(value, label);
      else if (name === 'checked') options.checked = this.bool(value, label);
      else if (name === 'disabled') options.disabled = this.bool(value, label);
      else if (name === 'expanded') options.expanded = this.bool(value, label);
      else if (name === 'include_hidden') options.includeHidden = this.bool(value, label);
      else if (name === 'level') options.level = this.int(value, label);
      else if (name === 'pressed') options.pressed = this.bool(value, label);
      else if (name === 'selected') options.selected = this.bool(value, label);
      else throw new LocatorBuildError(`${where}: unknown keyword argument "${name}"`);
    }
    return options;
  }

  private exactOption(call: Call, where: string): { exact?: boolean } {
    const options: { exact?: boolean } = {};
    for (const { name, value } of call.kwargs) {
      if (name !== 'exact') throw new LocatorBuildError(`${where}: unknown keyword argument "${name}"`);
      if (value.kind !== 'none') options.exact = this.bool(value, `${where} exact`);
    }
    return options;
  }

  private filterOptions(call: Call, where: string, depth: number): LocatorOptions & FilterOptions {
    const options: LocatorOptions & FilterOptions = {};
    for (const { name, value } of call.kwargs) {
      if (value.kind === 'none') continue;
      const label = `${where} ${name}`;
      if (name === 'has_text') options.hasText = this.textOrRegex(value, label);
      else if (name === 'has_not_text') options.hasNotText = this.textOrRegex(value, label);
      else if (name === 'has') options.has = this.locator(value, label, depth);
      else if (name === 'has_not') options.hasNot = this.locator(value, label, depth);
      else if (name === 'visible') options.visible = this.bool(value, label);
      else throw new LocatorBuildError(`${where}: unknown keyword argument "${name}"`);
    }
    return options;
  }

  private text(value: LocatorValue, label: string): string {
    if (value.kind === 'string') return this.resolve(value.value);
    if (value.kind === 'placeholder') return this.resolve(value.text);
    throw wrongKind(label, 'a string', value);
  }

  private textOrRegex(value: LocatorValue, label: string): string | RegExp {
    if (value.kind !== 'regex') return this.text(value, label);
    const source = this.resolve(value.source);
    try {
      return toJsRegExp(source, value.ignoreCase);
    } catch (error) {
      throw new LocatorBuildError(`${label}: invalid regular expression ${JSON.stringify(source)}`, { cause: error });
    }
  }

  private int(value: LocatorValue, label: string): number {
    if (value.kind === 'int' && Number.isSafeInteger(value.value)) return value.value;
    if (value.kind !== 'placeholder') throw wrongKind(label, 'an integer', value);
    const text = this.resolve(value.text).trim();
    const number = Number(text);
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(number)) {
      throw new LocatorBuildError(`${label}: placeholder ${value.text} resolved to ${JSON.stringify(text)}, not an integer`);
    }
    return number;
  }

  private bool(value: LocatorValue, label: string): boolean {
    if (value.kind === 'bool') return value.value;
    if (value.kind !== 'placeholder') throw wrongKind(label, 'True or False', value);
    // Python's str(True) is "True"; JSON inputs give "true".
    const text = this.resolve(value.text).trim();
    if (text === 'True' || text === 'true') return true;
    if (text === 'False' || text === 'false') return false;
    throw new LocatorBuildError(`${label}: placeholder ${value.text} resolved to ${JSON.stringify(text)}, not True or False`);
  }

  private locator(value: LocatorValue, label: string, depth: number): Locator {
    if (value.kind !== 'locator') throw wrongKind(label, 'a page. locator', value);
    const target = this.chain(value.command, depth + 1);
    if (target.kind !== 'locator') throw new LocatorBuildError(`${label}: a nested locator must end on a locator, not ${RECEIVER_LABELS[target.kind]}`);
    return target.locator;
  }
}

/** The parser guarantees these; a hand-built command gets a clear error instead of a crash. */
function checkShape(step: LocatorStep): void {
  if (step.kind === 'property') {
    if (!isPropertyName(step.name)) throw new LocatorBuildError(`unknown property ${JSON.stringify(step.name)} at position ${step.position}`);
    return;
  }
  if (!isLocatorMethod(step.method)) throw new LocatorBuildError(`unknown method ${JSON.stringify(step.method)} at position ${step.position}`);
  const spec = METHOD_SPECS[step.method];
  const where = `${step.method}() at position ${step.position}`;
  if (step.args.length !== spec.positional.length) {
    throw new LocatorBuildError(`${where}: takes ${spec.positional.length} positional argument(s), got ${step.args.length}`);
  }
  const unknown = step.kwargs.find(({ name }) => !Object.hasOwn(spec.kwargs, name));
  if (unknown) throw new LocatorBuildError(`${where}: unknown keyword argument "${unknown.name}"`);
}

function wrongKind(label: string, expected: string, value: LocatorValue): LocatorBuildError {
  return new LocatorBuildError(`${label}: expected ${expected}, found a ${value.kind} value`);
}
