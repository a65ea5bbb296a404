/** One visible thing in a frame, in document order: an element the model may act on, or a line of text. */
export type FrameItem =
  | {
      kind: 'element';
      /** The value stamped in `data-optexity-index`; unique within the frame for one snapshot. */
      stamp: string;
      role: string;
      name: string;
      value: string | null;
      href: string | null;
      options: string[] | null;
      states: string[];
    }
  | { kind: 'text'; text: string; heading: number };

export const STAMP_ATTRIBUTE = 'data-optexity-index';

/**
 * Runs inside one frame (page.evaluate), so it may use nothing from this module's scope and
 * must stay a single self-contained function. Typed structurally because this project compiles
 * without the DOM lib. It walks the light DOM and every open shadow root (closed ones cannot
 * be reached from script), removes stamps left by earlier snapshots so a stale stamp can never
 * match, and stamps each visible interactive element with `${prefix}${ordinal}`.
 */
export function collectFrameItems(arg: { prefix: string; attribute: string }): FrameItem[] {
  type DomNode = { nodeType: number; textContent: string | null; childNodes: ArrayLike<DomNode>; host?: DomEl };
  type DomEl = DomNode & {
    tagName: string;
    id: string;
    shadowRoot: DomNode | null;
    getAttribute(name: string): string | null;
    setAttribute(name: string, value: string): void;
    removeAttribute(name: string): void;
    hasAttribute(name: string): boolean;
    checkVisibility?(options: Record<string, boolean>): boolean;
    getBoundingClientRect(): { width: number; height: number };
    getRootNode(): { getElementById?(id: string): DomEl | null };
    labels?: ArrayLike<DomEl> | null;
    innerText?: string;
    value?: string;
    type?: string;
    checked?: boolean;
    indeterminate?: boolean;
    disabled?: boolean;
    readOnly?: boolean;
    required?: boolean;
    multiple?: boolean;
    href?: string;
    selectedOptions?: ArrayLike<DomEl>;
    options?: ArrayLike<DomEl>;
    isContentEditable?: boolean;
  };
  const TEXT_NODE = 3;
  const ELEMENT_NODE = 1;
  const SKIPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'TITLE', 'META', 'LINK', 'OPTION', 'OPTGROUP', 'IFRAME', 'FRAME']);
  const INTERACTIVE_ROLES = new Set([
    'button', 'link', 'checkbox', 'radio', 'switch', 'textbox', 'searchbox', 'combobox', 'listbox', 'option', 'menuitem',
    'menuitemcheckbox', 'menuitemradio', 'tab', 'slider', 'spinbutton', 'treeitem',
  ]);
  const INPUT_ROLES: Record<string, string> = {
    checkbox: 'checkbox', radio: 'radio', button: 'button', submit: 'button', reset: 'button', image: 'button',
    search: 'searchbox', range: 'slider', number: 'spinbutton', file: 'button',
  };
  const items: FrameItem[] = [];
  let ordinal = 0;
  const clean = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

  const implicitRole = (el: DomEl): string | null => {
    const tag = el.tagName;
    if (tag === 'A') return el.hasAttribute('href') ? 'link' : null;
    if (tag === 'BUTTON' || tag === 'SUMMARY') return 'button';
    if (tag === 'TEXTAREA') return 'textbox';
    if (tag === 'SELECT') return el.multiple || Number(el.getAttribute('size') ?? 0) > 1 ? 'listbox' : 'combobox';
    if (tag === 'INPUT') return (el.type ?? 'text') === 'hidden' ? null : INPUT_ROLES[el.type ?? 'text'] ?? 'textbox';
    return null;
  };
  const interactiveRole = (el: DomEl): string | null => {
    const explicit = clean(el.getAttribute('role')).split(' ')[0] ?? '';
    if (INTERACTIVE_ROLES.has(explicit)) return explicit;
    const implicit = implicitRole(el);
    if (implicit) return implicit;
    if (el.isContentEditable && el.getAttribute('contenteditable') !== null) return 'textbox';
    // Scripted widgets without a role are common; the model still needs a handle on them.
    if (el.hasAttribute('onclick') || Number(el.getAttribute('tabindex') ?? -1) >= 0) return explicit || 'generic';
    return null;
  };
  const isVisible = (el: DomEl): boolean => {
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // A wrapping label also holds its control, whose options or value are not part of the name.
  const labelText = (node: DomNode): string => {
    const parts: string[] = [];
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT_NODE) parts.push(child.textContent ?? '');
      else if (child.nodeType === ELEMENT_NODE && !['SELECT', 'TEXTAREA', 'INPUT'].includes((child as DomEl).tagName)) parts.push(labelText(child));
    }
    return clean(parts.join(' '));
  };
  const accessibleName = (el: DomEl): string => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) {
      const root = el.getRootNode();
      const text = labelledBy.split(/\s+/).map((id) => clean(root.getElementById?.(id)?.textContent)).join(' ');
      if (clean(text)) return clean(text);
    }
    const aria = clean(el.getAttribute('aria-label'));
    if (aria) return aria;
    const labels = Array.from(el.labels ?? []).map(labelText).filter(Boolean);
    if (labels.length > 0) return labels.join(' ');
    if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(el.type ?? '')) return clean(el.value) || clean(el.type);
    const own = el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' ? '' : clean(el.innerText ?? el.textContent);
    return own || clean(el.getAttribute('alt')) || clean(el.getAttribute('title')) || clean(el.getAttribute('placeholder'));
  };
  const describe = (el: DomEl, role: string): FrameItem => {
    const states: string[] = [];
    if (role === 'checkbox' || role === 'radio' || role === 'switch') {
      const aria = el.getAttribute('aria-checked');
      if (el.indeterminate || aria === 'mixed') states.push('mixed');
      else if (el.checked || aria === 'true') states.push('checked');
    }
    if (el.disabled || el.getAttribute('aria-disabled') === 'true') states.push('disabled');
    if (el.readOnly) states.push('readonly');
    if (el.required) states.push('required');
    if (el.getAttribute('aria-expanded') !== null) states.push(`expanded=${el.getAttribute('aria-expanded')}`);
    let value: string | null = null;
    let options: string[] | null = null;
    if (el.tagName === 'SELECT') {
      value = Array.from(el.selectedOptions ?? []).map((o) => clean(o.textContent)).join(', ');
      options = Array.from(el.options ?? []).map((o) => clean(o.textContent));
    } else if (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && role !== 'button' && role !== 'checkbox' && role !== 'radio')) {
      // A password's value is a secret: say only that something was typed.
      value = el.type === 'password' ? (el.value ? '••••' : '') : clean(el.value);
    }
    const stamp = `${arg.prefix}${ordinal++}`;
    el.setAttribute(arg.attribute, stamp);
    return { kind: 'element', stamp, role, name: accessibleName(el), value, href: el.tagName === 'A' ? el.getAttribute('href') : null, options, states };
  };
  const walk = (node: DomNode): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT_NODE) {
        const text = clean(child.textContent);
        // Text directly in a shadow root is as visible as the root's host.
        const parent = (node.nodeType === ELEMENT_NODE ? node : node.host) as DomEl | undefined;
        if (text && (!parent || isVisible(parent))) {
          const level = /^H([1-6])$/.exec(parent?.tagName ?? '');
          items.push({ kind: 'text', text, heading: level ? Number(level[1]) : 0 });
        }
        continue;
      }
      if (child.nodeType !== ELEMENT_NODE) continue;
      const el = child as DomEl;
      el.removeAttribute(arg.attribute);
      if (SKIPPED_TAGS.has(el.tagName)) continue;
      const role = interactiveRole(el);
      if (role && isVisible(el)) {
        items.push(describe(el, role));
        if (el.shadowRoot) walk(el.shadowRoot);
        // A link's or button's text is its name, so it is not repeated; a scripted container
        // (onclick, tabindex) often wraps whole forms, whose controls must stay listed.
        if (role === 'generic') walk(el);
        continue;
      }
      if (el.shadowRoot) walk(el.shadowRoot);
      walk(el);
    }
  };
  const doc = (globalThis as unknown as { document: { body: DomNode | null; documentElement: DomNode } }).document;
  walk(doc.body ?? doc.documentElement);
  return items;
}
