import { html, type SafeHtml } from './html.js';

export function loginBody(base: string, next: string, error: string | null): SafeHtml {
  return html`<h1>Sign in</h1>
<p>Enter the control plane's API key (the <code>API_KEY</code> setting). The browser keeps a session cookie derived from it, never the key itself.</p>
${error ? html`<p class="error" role="alert" id="login-error">${error}</p>` : ''}
<form method="post" action="${base}/login">
<input type="hidden" name="next" value="${next}">
<p><label>API key<input type="password" name="api_key" autocomplete="current-password" required${error ? html` aria-describedby="login-error" aria-invalid="true"` : ''}></label></p>
<p><button type="submit">Sign in</button></p>
</form>`;
}
