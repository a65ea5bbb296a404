/**
 * HTML built from tagged templates: every interpolated value is escaped unless it is already
 * `SafeHtml` (the result of another `html` template), so markup cannot come from data.
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (character) => ESCAPES[character] ?? character);
}

/** Arrays are joined, null/undefined/false render nothing, anything else is escaped text. */
function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A URL path with each dynamic segment percent-encoded. */
export function pathOf(base: string, ...segments: string[]): string {
  return [base, ...segments.map((segment) => segment.split('/').map(encodeURIComponent).join('/'))].join('/');
}
