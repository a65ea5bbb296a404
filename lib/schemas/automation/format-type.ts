/**
 * The small type language of `extraction_format` / `output_format` values. The original
 * builds a pydantic model by `eval`-ing each string; here a grammar accepts the same
 * documented names and refuses everything else, so recorded text is never executed.
 *
 *   type    := primary ('|' primary)*
 *   primary := NAME ('[' type (',' type)* ']')?
 *
 * A format object maps field names to a type string, a nested object, or a one-element
 * list (`["str"]`, `[{...}]`). Every field of a format object is optional and defaults to
 * null, as in the original's generated model.
 */

export type FormatType =
  | { kind: 'str' | 'int' | 'float' | 'bool' | 'any' | 'none' }
  | { kind: 'dict'; key: FormatType | null; value: FormatType | null }
  | { kind: 'list'; item: FormatType | null }
  | { kind: 'optional'; inner: FormatType }
  | { kind: 'union'; options: FormatType[] }
  | { kind: 'object'; fields: FormatField[] };

export interface FormatField {
  name: string;
  type: FormatType;
}

export interface FormatTypeProblem {
  path: (string | number)[];
  message: string;
}

export type FormatTypeResult =
  | { ok: true; type: FormatType }
  | { ok: false; problems: FormatTypeProblem[] };

const SCALARS: Record<string, FormatType> = {
  str: { kind: 'str' },
  int: { kind: 'int' },
  float: { kind: 'float' },
  bool: { kind: 'bool' },
  Any: { kind: 'any' },
  None: { kind: 'none' },
};
const KNOWN_NAMES = 'str, int, float, bool, dict, list, List, Optional, Any, None';

class TypeSyntaxError extends Error {}

type Token = { text: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const name = /[A-Za-z_][A-Za-z0-9_]*/y;
  let at = 0;
  while (at < text.length) {
    const char = text.charAt(at);
    if (/\s/.test(char)) {
      at += 1;
    } else if ('[],|'.includes(char)) {
      tokens.push({ text: char, at });
      at += 1;
    } else {
      name.lastIndex = at;
      const match = name.exec(text);
      if (match === null) throw new TypeSyntaxError(`unexpected "${char}" at position ${at}`);
      tokens.push({ text: match[0], at });
      at += match[0].length;
    }
  }
  return tokens;
}

class TypeParser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  parseAll(): FormatType {
    if (this.tokens.length === 0) throw new TypeSyntaxError('empty type');
    const type = this.parseUnion();
    const rest = this.tokens[this.index];
    if (rest !== undefined) throw new TypeSyntaxError(`unexpected "${rest.text}" at position ${rest.at}`);
    return type;
  }

  private parseUnion(): FormatType {
    const options = [this.parsePrimary()];
    while (this.peek() === '|') {
      this.index += 1;
      options.push(this.parsePrimary());
    }
    return options.length === 1 && options[0] !== undefined ? options[0] : { kind: 'union', options };
  }

  private parsePrimary(): FormatType {
    const token = this.next('a type name');
    if (!/^[A-Za-z_]/.test(token.text)) {
      throw new TypeSyntaxError(`expected a type name at position ${token.at}, got "${token.text}"`);
    }
    const args = this.peek() === '[' ? this.parseArguments() : null;
    return this.build(token, args);
  }

  private parseArguments(): FormatType[] {
    this.index += 1;
    const args = [this.parseUnion()];
    while (this.peek() === ',') {
      this.index += 1;
      args.push(this.parseUnion());
    }
    const close = this.next('"]"');
    if (close.text !== ']') throw new TypeSyntaxError(`expected "]" at position ${close.at}, got "${close.text}"`);
    return args;
  }

  private build(name: Token, args: FormatType[] | null): FormatType {
    const scalar = SCALARS[name.text];
    if (scalar !== undefined) {
      if (args !== null) throw new TypeSyntaxError(`${name.text} takes no type arguments`);
      return scalar;
    }
    switch (name.text) {
      case 'list':
      case 'List':
        if (args === null) return { kind: 'list', item: null };
        return { kind: 'list', item: this.single(name.text, args) };
      case 'Optional':
        if (args === null) throw new TypeSyntaxError('Optional needs one type argument, e.g. Optional[str]');
        return { kind: 'optional', inner: this.single(name.text, args) };
      case 'dict':
        if (args === null) return { kind: 'dict', key: null, value: null };
        if (args.length !== 2 || args[0] === undefined || args[1] === undefined) {
          throw new TypeSyntaxError(`dict takes two type arguments (dict[key, value]), got ${args.length}`);
        }
        return { kind: 'dict', key: args[0], value: args[1] };
      default:
        throw new TypeSyntaxError(`unknown type "${name.text}" at position ${name.at}; known: ${KNOWN_NAMES}`);
    }
  }

  private single(name: string, args: FormatType[]): FormatType {
    if (args.length !== 1 || args[0] === undefined) {
      throw new TypeSyntaxError(`${name} takes one type argument, got ${args.length}`);
    }
    return args[0];
  }

  private peek(): string | undefined {
    return this.tokens[this.index]?.text;
  }

  private next(expected: string): Token {
    const token = this.tokens[this.index];
    if (token === undefined) throw new TypeSyntaxError(`expected ${expected} at position ${this.length}`);
    this.index += 1;
    return token;
  }
}

function parseTypeString(text: string): FormatType {
  return new TypeParser(tokenize(text), text.length).parseAll();
}

function parseValue(spec: unknown, path: (string | number)[], problems: FormatTypeProblem[]): FormatType | null {
  if (typeof spec === 'string') {
    try {
      return parseTypeString(spec);
    } catch (error) {
      if (!(error instanceof TypeSyntaxError)) throw error;
      problems.push({ path, message: `invalid type ${JSON.stringify(spec)}: ${error.message}` });
      return null;
    }
  }
  if (Array.isArray(spec)) {
    // The original reads only the first element of a list format.
    if (spec.length === 0) {
      problems.push({ path, message: 'a list format needs one element: ["str"] or [{...}]' });
      return null;
    }
    const [first] = spec;
    if (Array.isArray(first)) {
      problems.push({ path: [...path, 0], message: 'a list format element must be a type string or an object' });
      return null;
    }
    const item = parseValue(first, [...path, 0], problems);
    return item === null ? null : { kind: 'list', item };
  }
  if (typeof spec === 'object' && spec !== null) {
    const fields: FormatField[] = [];
    for (const [name, value] of Object.entries(spec)) {
      const type = parseValue(value, [...path, name], problems);
      if (type !== null) fields.push({ name, type });
    }
    return { kind: 'object', fields };
  }
  problems.push({ path, message: 'expected a type string (e.g. "str"), an object or a one-element list' });
  return null;
}

/**
 * Parses one format value: a type string (`"List[str]"`), a format object (`{"a": "int"}`)
 * or a list format (`[{"a": "int"}]`). Problems carry the path inside `spec`.
 */
export function parseFormatType(spec: unknown): FormatTypeResult {
  const problems: FormatTypeProblem[] = [];
  const type = parseValue(spec, [], problems);
  if (type === null || problems.length > 0) return { ok: false, problems };
  return { ok: true, type };
}
