import fc from 'fast-check';

/**
 * Random <select> contents for checking the option reader against Chromium: each tree is either
 * written as HTML for the page's parser, or built node by node with DOM calls (shapes and text
 * no parser makes). Only shapes whose serialisation shows everything are built: no children of
 * void elements and no "-->" in comments, which script alone could put there.
 */

/** One character or reference, spelled for the DOM, in HTML text and in a double-quoted attribute. */
export type Piece = { dom: string; text: string; attribute: string };

export type TreeNode =
  | { kind: 'text'; pieces: Piece[] }
  | { kind: 'comment'; pieces: Piece[] }
  | { kind: 'element'; name: string; attributes: Attribute[]; children: TreeNode[]; upperCase: boolean };

/** A null value is written as a bare attribute (`<option label>`), an empty one. */
type Attribute = [name: string, value: Piece[] | null];

/** A node as built in the page (see buildInPage): plain data, strings already spelled for the DOM. */
export type DomNode = { kind: 'text' | 'comment'; data: string } | { kind: 'element'; name: string; svg: boolean; attributes: [string, string][]; children: DomNode[] };

const same = (character: string): Piece => ({ dom: character, text: character, attribute: character });

const PIECES: Piece[] = [
  ...['a', 'Z', '7', ' ', '  ', '\t', '\n', '\f', '\r\n', '\u00a0', 'é', '日本', '😀', "'", '=', ';', '#', '/', '-', '!', '?'].map(same),
  { dom: '"', text: '"', attribute: '&quot;' },
  { dom: '>', text: '>', attribute: '>' },
  { dom: '<', text: '&lt;', attribute: '<' },
  { dom: '&', text: '&amp;', attribute: '&amp;' },
  { dom: '& ', text: '& ', attribute: '& ' },
  { dom: 'é', text: '&eacute;', attribute: '&eacute;' },
  { dom: '😀', text: '&#x1F600;', attribute: '&#128512;' },
  { dom: '\u00a0', text: '&nbsp;', attribute: '&nbsp;' },
  { dom: '&amp;', text: '&amp;amp;', attribute: '&amp;amp;' },
  { dom: '&lt;b&gt;', text: '&lt;b&gt;', attribute: '<b>' },
];
/** Comment data never holds '>': "-->" or "--!>" in it would end the comment early. */
const COMMENT_PIECES = PIECES.filter((piece) => !piece.dom.includes('>') && !piece.text.includes('>'));

export const VOID_NAMES = new Set(['img', 'br', 'hr']);

const pieces = (maxLength: number) => fc.array(fc.constantFrom(...PIECES), { maxLength });
const text = pieces(8).map((list): TreeNode => ({ kind: 'text', pieces: list }));
const comment = fc.array(fc.constantFrom(...COMMENT_PIECES), { maxLength: 5 }).map((list): TreeNode => ({ kind: 'comment', pieces: list }));

export const element = (name: string, attributes: Attribute[], children: TreeNode[], upperCase = false): TreeNode => ({ kind: 'element', name, attributes, children, upperCase });
export const plainText = (text: string): TreeNode => ({ kind: 'text', pieces: [same(text)] });

/** Absent, bare, or with a value. */
const optionalAttribute = (name: string) =>
  fc.oneof(fc.constant([]), fc.constant([[name, null]]), pieces(6).map((value) => [[name, value]])) as fc.Arbitrary<Attribute[]>;

const otherAttributes = fc
  .record({ class: optionalAttribute('class'), title: optionalAttribute('title'), data: optionalAttribute('data-x') })
  .map((found) => [...found.class, ...found.title, ...found.data]);

const svgIcon = text.map((inner) => element('svg', [['viewBox', [same('0')]]], [element('title', [], [inner]), element('path', [['d', [same('M')]]], [])]));

const inline: fc.Arbitrary<TreeNode> = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 1, arbitrary: comment },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('b', 'i', 'span', 'em', 'small', 'x-icon'), otherAttributes, fc.array(fc.oneof(text, comment), { maxLength: 2 }), fc.boolean())
      .map(([name, attributes, children, upperCase]) => element(name, attributes, children, upperCase)),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('img', 'br'), otherAttributes).map(([name, attributes]) => element(name, attributes, [])) },
  { weight: 1, arbitrary: svgIcon },
);

const option = fc
  .tuple(optionalAttribute('value'), optionalAttribute('label'), otherAttributes, fc.array(inline, { maxLength: 4 }), fc.boolean())
  .map(([value, label, others, children, upperCase]) => element('option', [...value, ...label, ...others], children, upperCase));

const WRAPPERS = ['div', 'span', 'b', 'label', 'p', 'x-row'];
const wrapped = (inside: fc.Arbitrary<TreeNode>) =>
  fc.tuple(fc.constantFrom(...WRAPPERS), fc.array(inside, { minLength: 1, maxLength: 3 })).map(([name, children]) => element(name, [], children));

const optgroup = fc
  .tuple(optionalAttribute('label'), fc.array(fc.oneof({ weight: 4, arbitrary: option }, { weight: 1, arbitrary: wrapped(option) }, { weight: 1, arbitrary: text.map((inner) => element('legend', [], [inner])) }), { maxLength: 4 }))
  .map(([label, children]) => element('optgroup', label, children));

const ordinaryItem = fc.oneof(
  { weight: 6, arbitrary: option },
  { weight: 2, arbitrary: optgroup },
  { weight: 1, arbitrary: wrapped(option) },
  { weight: 1, arbitrary: fc.constant(element('hr', [], [])) },
  { weight: 1, arbitrary: comment },
  { weight: 1, arbitrary: text },
);

/** What pages hold: options (rich content included), optgroups, wrappers, separators, comments. */
export const ordinarySelect = fc.array(ordinaryItem, { maxLength: 7 });

/** Shapes the reader must decline or read right: nested selects, scripts, options in options, ... */
const wildItem = fc
  .tuple(fc.constantFrom('select', 'datalist', 'template', 'script', 'style', 'option', 'optgroup', 'noscript'), fc.array(fc.oneof(option, optgroup, text), { maxLength: 2 }))
  .map(([name, children]) => element(name, [], children));

export const wildSelect = fc.array(fc.oneof({ weight: 3, arbitrary: ordinaryItem }, { weight: 1, arbitrary: wildItem }), { minLength: 1, maxLength: 6 });

/** The tree as HTML source, as a page would hold it. */
export function toMarkup(nodes: TreeNode[]): string {
  return nodes.map(nodeMarkup).join('');
}

function nodeMarkup(node: TreeNode): string {
  if (node.kind === 'text') return node.pieces.map((piece) => piece.text).join('');
  if (node.kind === 'comment') return `<!--${node.pieces.map((piece) => piece.text).join('')}-->`;
  const spell = (name: string) => (node.upperCase ? name.toUpperCase() : name);
  const attributes = node.attributes.map(([name, value]) => (value === null ? ` ${spell(name)}` : ` ${spell(name)}="${value.map((piece) => piece.attribute).join('')}"`)).join('');
  const start = `<${spell(node.name)}${attributes}>`;
  return VOID_NAMES.has(node.name) ? start : `${start}${toMarkup(node.children)}</${spell(node.name)}>`;
}

/** The tree as DOM calls will build it: strings as the DOM holds them, SVG elements marked. */
export function toDomNodes(nodes: TreeNode[], inSvg = false): DomNode[] {
  return nodes.map((node): DomNode => {
    if (node.kind !== 'element') return { kind: node.kind, data: node.pieces.map((piece) => piece.dom).join('') };
    const svg = inSvg || node.name === 'svg';
    const attributes = node.attributes.map(([name, value]): [string, string] => [name, (value ?? []).map((piece) => piece.dom).join('')]);
    return { kind: 'element', name: node.name, svg, attributes, children: VOID_NAMES.has(node.name) ? [] : toDomNodes(node.children, svg) };
  });
}

/** Runs in the page: replaces the children of `root` with `nodes`, made by DOM calls. */
export function buildInPage(root: { replaceChildren(): void }, nodes: DomNode[]): void {
  // Typed structurally because this project compiles without the DOM lib.
  type Parent = { appendChild(child: unknown): unknown };
  type Doc = {
    createElement(name: string): Parent & { setAttribute(name: string, value: string): void };
    createElementNS(namespace: string, name: string): Parent & { setAttribute(name: string, value: string): void };
    createTextNode(data: string): unknown;
    createComment(data: string): unknown;
  };
  const doc = (globalThis as unknown as { document: Doc }).document;
  const append = (parent: Parent, list: DomNode[]) => {
    for (const node of list) {
      if (node.kind === 'element') {
        const made = node.svg ? doc.createElementNS('http://www.w3.org/2000/svg', node.name) : doc.createElement(node.name);
        for (const [name, value] of node.attributes) made.setAttribute(name, value);
        append(made, node.children);
        parent.appendChild(made);
      } else {
        parent.appendChild(node.kind === 'text' ? doc.createTextNode(node.data) : doc.createComment(node.data));
      }
    }
  };
  root.replaceChildren();
  append(root as unknown as Parent, nodes);
}
