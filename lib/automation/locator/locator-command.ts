import { commandError, LocatorCommandError } from './locator-command-error.js';
import {
  describeKind,
  describeKinds,
  isAriaRole,
  isLocatorMethod,
  isPropertyName,
  METHOD_SPECS,
  PROPERTY_SPECS,
  RECEIVER_LABELS,
  type MethodSpec,
  type Receiver,
  type ValueKind,
} from './locator-methods.js';
import { describeToken, Lexer, type Punct, type Token } from './locator-tokenizer.js';
import { toJsRegExp } from './python-regex.js';

export { LocatorCommandError } from './locator-command-error.js';
export { formatLocatorCommand } from './format-locator-command.js';

export type LocatorValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'regex'; source: string; ignoreCase: boolean }
  | { kind: 'locator'; command: LocatorCommand }
  | { kind: 'placeholder'; text: string };

export type LocatorMethod =
  | 'get_by_role'
  | 'get_by_text'
  | 'get_by_label'
  | 'get_by_placeholder'
  | 'get_by_alt_text'
  | 'get_by_title'
  | 'get_by_test_id'
  | 'locator'
  | 'frame_locator'
  | 'nth'
  | 'filter'
  | 'and_'
  | 'or_';

export type LocatorStep =
  | { kind: 'call'; method: LocatorMethod; args: LocatorValue[]; kwargs: { name: string; value: LocatorValue }[]; position: number }
  | { kind: 'property'; name: 'first' | 'last' | 'content_frame'; position: number };

export type LocatorCommand = {
  /**
   * A placeholder standing for a whole locator, as for-loop bodies write `{locator[row]}.locator("td")`;
   * the loop binds it to a command text at run time. Absent in ordinary commands.
   */
  base?: { kind: 'placeholder'; text: string; position: number };
  steps: LocatorStep[];
};

export const MAX_COMMAND_LENGTH = 10_000;
/** How deep `has=page.locator(..., has=page.locator(...))` may nest; recordings use one level. */
export const MAX_NESTING = 10;

/** Parses a Playwright-Python locator expression (`get_by_role("button", name="OK").first`) without eval. */
export function parseLocatorCommand(command: string): LocatorCommand {
  if (command.length > MAX_COMMAND_LENGTH) {
    throw commandError(command, `command is ${command.length} characters long`, MAX_COMMAND_LENGTH, `at most ${MAX_COMMAND_LENGTH}`);
  }
  return new Parser(command).parseTop();
}

const HAS_PLACEHOLDER = /\{[^{}]+\}/;

type Positioned = { value: LocatorValue; position: number };

class Parser {
  private readonly source: string;
  private readonly lexer: Lexer;

  constructor(source: string) {
    this.source = source;
    this.lexer = new Lexer(source);
  }

  parseTop(): LocatorCommand {
    const first = this.lexer.peek();
    // The original evaluated `page.{command}`, so a recording may or may not spell the prefix.
    if (first.kind === 'name' && first.text === 'page' && isPunct(this.lexer.peek(1), '.')) {
      this.lexer.next();
      this.lexer.next();
    }
    const { command } = this.parseChain(0);
    const rest = this.lexer.peek();
    if (rest.kind !== 'end') throw this.unexpected(rest, '"." or end of input');
    return command;
  }

  /** Steps applied to the page, up to the first token that cannot continue the chain. */
  private parseChain(depth: number): { command: LocatorCommand; receiver: Receiver } {
    const command: LocatorCommand = { steps: [] };
    let receiver: Receiver = 'page';
    const first = this.lexer.peek();
    if (first.kind === 'placeholder') {
      this.lexer.next();
      command.base = { kind: 'placeholder', text: first.text, position: first.start };
      receiver = 'locator';
      if (!isPunct(this.lexer.peek(), '.')) return { command, receiver };
      this.lexer.next();
    }
    for (;;) {
      receiver = this.parseStep(receiver, depth, command.steps);
      if (!isPunct(this.lexer.peek(), '.')) return { command, receiver };
      this.lexer.next();
    }
  }

  private parseStep(receiver: Receiver, depth: number, steps: LocatorStep[]): Receiver {
    const token = this.lexer.next();
    if (token.kind !== 'name') throw this.unexpected(token, 'a locator method such as get_by_role');
    const name = token.text;
    if (isPropertyName(name)) {
      const spec = PROPERTY_SPECS[name];
      if (!spec.receivers.includes(receiver)) throw this.fail(`"${name}" cannot be used on ${RECEIVER_LABELS[receiver]}`, token.start);
      const after = this.lexer.peek();
      if (isPunct(after, '(')) throw this.fail(`"${name}" is a property and cannot be called`, after.start, `"." or the end of the step`);
      steps.push({ kind: 'property', name, position: token.start });
      return spec.returns === 'same' ? receiver : spec.returns;
    }
    if (!isLocatorMethod(name)) {
      throw this.fail(`unknown method or property "${name}"`, token.start, 'a Playwright locator method (get_by_role, locator, nth, ...)');
    }
    const spec = METHOD_SPECS[name];
    if (!spec.receivers.includes(receiver)) throw this.fail(`${name}() cannot be used on ${RECEIVER_LABELS[receiver]}`, token.start);
    const open = this.lexer.next();
    if (!isPunct(open, '(')) throw this.unexpected(open, `"(" after ${name}`);
    const { args, kwargs } = this.parseArguments(name, spec, depth);
    steps.push({ kind: 'call', method: name, args, kwargs, position: token.start });
    return spec.returns === 'same' ? receiver : spec.returns;
  }

  /** Everything after `(` up to and including `)`, checked against the method's signature. */
  private parseArguments(method: LocatorMethod, spec: MethodSpec, depth: number): Pick<Extract<LocatorStep, { kind: 'call' }>, 'args' | 'kwargs'> {
    const args: LocatorValue[] = [];
    const kwargs: { name: string; value: LocatorValue }[] = [];
    for (;;) {
      const token = this.lexer.peek();
      if (isPunct(token, ')')) break;
      if (token.kind === 'name' && isPunct(this.lexer.peek(1), '=')) {
        // hasOwn: a kwarg named `constructor` must not find Object.prototype's.
        const allowed = Object.hasOwn(spec.kwargs, token.text) ? spec.kwargs[token.text] : undefined;
        if (!allowed) {
          const names = Object.keys(spec.kwargs);
          throw this.fail(`unknown keyword argument "${token.text}" for ${method}`, token.start, names.length ? `one of ${names.join(', ')}` : 'no keyword arguments');
        }
        if (kwargs.some((kwarg) => kwarg.name === token.text)) throw this.fail(`keyword argument "${token.text}" repeated`, token.start);
        this.lexer.next();
        this.lexer.next();
        const value = this.parseValue(depth);
        if (value.value.kind !== 'none') this.checkKind(value, allowed, `"${token.text}" of ${method}`);
        kwargs.push({ name: token.text, value: value.value });
      } else {
        if (kwargs.length > 0) throw this.fail('positional argument follows keyword argument', token.start);
        const param = spec.positional[args.length];
        if (!param) throw this.fail(`too many positional arguments for ${method}`, token.start, `at most ${spec.positional.length}`);
        const value = this.parseValue(depth);
        this.checkPositional(method, param, value);
        args.push(value.value);
      }
      const separator = this.lexer.next();
      if (isPunct(separator, ')')) return { args, kwargs };
      if (!isPunct(separator, ',')) throw this.unexpected(separator, '"," or ")"');
    }
    const close = this.lexer.next();
    const missing = spec.positional[args.length];
    if (missing) throw this.fail(`missing argument "${missing.name}" for ${method}`, close.start, describeKinds(missing.kinds));
    return { args, kwargs };
  }

  private checkPositional(method: LocatorMethod, param: MethodSpec['positional'][number], { value, position }: Positioned): void {
    this.checkKind({ value, position }, param.kinds, `"${param.name}" of ${method}`);
    if (value.kind !== 'string') return;
    // Playwright would throw at run time; a recording that says nothing is better rejected on load.
    if (value.value.trim() === '') throw this.fail(`empty "${param.name}" for ${method}`, position, 'a non-empty string');
    // A role spelled with a placeholder ("{role[0]}") is only known at run time; buildLocator checks it then.
    if (method === 'get_by_role' && !isAriaRole(value.value) && !HAS_PLACEHOLDER.test(value.value)) {
      throw this.fail(`unknown ARIA role ${JSON.stringify(value.value)}`, position, 'a role accepted by getByRole, e.g. button, link, textbox');
    }
  }

  private checkKind({ value, position }: Positioned, kinds: readonly ValueKind[], label: string): void {
    if (!kinds.includes(value.kind)) {
      throw this.fail(`wrong type for ${label}`, position, `${describeKinds(kinds)}, found ${describeKind(value.kind)}`);
    }
  }

  private parseValue(depth: number): Positioned {
    const token = this.lexer.next();
    const position = token.start;
    switch (token.kind) {
      case 'string':
        return { value: { kind: 'string', value: token.value }, position };
      case 'int':
        return { value: { kind: 'int', value: token.value }, position };
      case 'placeholder':
        return { value: { kind: 'placeholder', text: token.text }, position };
      case 'name':
        if (token.text === 'True' || token.text === 'False') return { value: { kind: 'bool', value: token.text === 'True' }, position };
        if (token.text === 'None') return { value: { kind: 'none' }, position };
        if (token.text === 're') return { value: this.parseRegex(), position };
        if (token.text === 'page') return { value: this.parseNested(token, depth), position };
        break;
      default:
        break;
    }
    throw this.unexpected(token, 'a value');
  }

  /** After `re`: `.compile(pattern[, re.IGNORECASE | re.I])`. */
  private parseRegex(): LocatorValue {
    this.expectPunct('.', '"." after re');
    this.expectName(['compile'], 're.compile');
    this.expectPunct('(', '"(" after re.compile');
    const pattern = this.lexer.next();
    if (pattern.kind !== 'string') throw this.unexpected(pattern, 'a string pattern');
    let ignoreCase = false;
    if (isPunct(this.lexer.peek(), ',')) {
      this.lexer.next();
      if (!isPunct(this.lexer.peek(), ')')) {
        this.expectName(['re'], 're.IGNORECASE');
        this.expectPunct('.', '"." after re');
        this.expectName(['IGNORECASE', 'I'], 're.IGNORECASE or re.I');
        ignoreCase = true;
        if (isPunct(this.lexer.peek(), ',')) this.lexer.next();
      }
    }
    this.expectPunct(')', '")" after the re.compile arguments');
    try {
      toJsRegExp(pattern.value, ignoreCase);
    } catch (error) {
      throw this.fail(`invalid regular expression (${error instanceof Error ? error.message : String(error)})`, pattern.start);
    }
    return { kind: 'regex', source: pattern.value, ignoreCase };
  }

  /** After `page`: a locator passed as a value (has=, has_not=, and_, or_). */
  private parseNested(pageToken: Token, depth: number): LocatorValue {
    if (depth + 1 > MAX_NESTING) throw this.fail(`locators nested more than ${MAX_NESTING} deep`, pageToken.start);
    this.expectPunct('.', '"." after page');
    const { command, receiver } = this.parseChain(depth + 1);
    if (receiver === 'frame') throw this.fail('a nested locator must end on a locator, not a frame locator', pageToken.start);
    return { kind: 'locator', command };
  }

  private expectPunct(text: Punct, expected: string): void {
    const token = this.lexer.next();
    if (!isPunct(token, text)) throw this.unexpected(token, expected);
  }

  private expectName(names: readonly string[], expected: string): void {
    const token = this.lexer.next();
    if (token.kind !== 'name' || !names.includes(token.text)) throw this.unexpected(token, expected);
  }

  private unexpected(token: Token, expected: string): LocatorCommandError {
    return this.fail(`unexpected ${describeToken(token)}`, token.start, expected);
  }

  private fail(problem: string, position: number, expected?: string): LocatorCommandError {
    return commandError(this.source, problem, position, expected);
  }
}

function isPunct(token: Token, text: Punct): boolean {
  return token.kind === 'punct' && token.text === text;
}
