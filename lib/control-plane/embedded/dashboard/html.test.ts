import { describe, expect, it } from 'vitest';
import { html, pathOf } from './html.js';

describe('html', () => {
  it('escapes every interpolated value unless it is already html', () => {
    const name = `<script>alert("x")</script>&'\``;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;</p>',
    );
    expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.text).toBe('<ul>&lt;a&gt;<li>ok</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.text).toBe('0');
  });

  it('percent-encodes path segments', () => {
    expect(pathOf('/dashboard/tasks', 'a b?"<')).toBe('/dashboard/tasks/a%20b%3F%22%3C');
    expect(pathOf('/logs', 'step_3/screenshot.png')).toBe('/logs/step_3/screenshot.png');
  });
});
