import { createHash } from 'node:crypto';
import { rawResponse, type HttpResult } from '../../../http/responses.js';
import { html, SafeHtml } from './html.js';

const CSS = `
:root{color-scheme:light;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;background:#fff}
body{margin:0}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.2rem;background:#1f3a5f;color:#fff;flex-wrap:wrap}
header a{color:#fff}
header form{margin-left:auto}
main{padding:1rem 1.2rem;max-width:80rem}
h1{font-size:1.4rem;margin:.4rem 0 1rem}
h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
a{color:#0b4f9c}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f3f5f7}
code,pre{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:28rem;border:1px solid #d0d7de}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.summary dt{font-weight:600}
dl.summary dd{margin:0}
.status{display:inline-block;padding:0 .45rem;border-radius:.7rem;font-weight:600;background:#eaeef2;color:#1b1f24}
.status-success{background:#dafbe1;color:#0f5323}
.status-failed,.status-killed{background:#ffebe9;color:#82071e}
.status-running,.status-allocated{background:#ddf4ff;color:#0a3069}
.status-cancelled{background:#fff8c5;color:#4d2d00}
.problem,.error{color:#82071e}
form.filters{display:flex;gap:1rem;align-items:end;flex-wrap:wrap;margin-bottom:1rem}
label{display:flex;flex-direction:column;font-weight:600;gap:.2rem}
input,select,button{font:inherit;font-weight:400;padding:.3rem .4rem}
button{cursor:pointer}
ol.steps{list-style:none;padding:0}
ol.steps>li{display:flex;gap:1rem;border:1px solid #d0d7de;padding:.6rem;margin-bottom:.6rem}
ol.steps img{width:240px;height:auto;border:1px solid #d0d7de}
.thumbs img{max-width:320px;height:auto;border:1px solid #d0d7de;margin:.3rem}
ul.nodes{padding-left:1.3rem}
ul.nodes li{margin:.25rem 0}
.muted{color:#57606a}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** The one constant written into a page unescaped. */
const STYLE_SHEET = new SafeHtml(CSS);

/** The inline style sheet is allowed by its hash, so the policy needs no 'unsafe-inline'. */
const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${CSS_HASH}'`,
  "script-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers every dashboard answer carries, pages and files alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Task data changes and is private: never keep it in a shared or back-forward cache.
  'cache-control': 'no-store',
};

export type PageOptions = { title: string; base: string; signedIn?: boolean; script?: boolean; status?: number };

export function page(options: PageOptions, body: SafeHtml): HttpResult {
  const { base } = options;
  const navigation = options.signedIn === false
    ? html``
    : html`<nav aria-label="Dashboard"><a href="${base}">Tasks</a> · <a href="${base}/recordings">Recordings</a></nav>
      <form method="post" action="${base}/logout"><button type="submit">Sign out</button></form>`;
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Control plane</title>
<style>${STYLE_SHEET}</style>
${options.script ? html`<script src="${base}/dashboard.js" defer></script>` : ''}
</head>
<body>
<header><strong>Control plane</strong>${navigation}</header>
<main id="main">
${body}
</main>
</body>
</html>
`;
  return rawResponse(options.status ?? 200, document.text, 'text/html; charset=utf-8', { ...SECURITY_HEADERS });
}

export function redirect(location: string, cookies: string[] = []): HttpResult {
  return { statusCode: 303, headers: { location, ...SECURITY_HEADERS }, body: '', cookies };
}

/** JSON and file routes refuse without saying why. */
export function unauthorized(): HttpResult {
  return rawResponse(401, 'Unauthorized', 'text/plain; charset=utf-8', { ...SECURITY_HEADERS });
}
