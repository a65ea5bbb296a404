import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordingOf } from '../../../automation/recording-of.js';
import { recordingRequirements, type Requirement } from '../../../automation/recording-requirements.js';
import { validateRecording } from '../../../automation/validate-recording.js';
import type { WorkerCapabilities } from '../../../automation/worker-capabilities.js';
import type { Problem } from '../../../errors.js';
import { ACTION_CONTAINERS } from '../../../schemas/automation/action-node.js';
import { html, pathOf, type SafeHtml } from './html.js';

/** A recording file as the dashboard shows it: the validate route's verdict plus what it needs. */
export type RecordingReport = {
  name: string;
  ok: boolean;
  problems: Problem[];
  needs: Requirement[];
  /** The parsed automation when it validates, else the raw JSON, for the node tree. */
  automation: Record<string, unknown> | null;
};

export async function inspectRecording(directory: string, name: string, capabilities: WorkerCapabilities): Promise<RecordingReport | undefined> {
  let text: string;
  try {
    text = await readFile(join(directory, `${name}.json`), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { name, ok: false, problems: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }], needs: [], automation: null };
  }
  const raw = recordingOf(parsed);
  const result = validateRecording(raw, capabilities);
  if (result.ok) return { name, ok: true, problems: [], needs: recordingRequirements(result.automation), automation: result.automation as unknown as Record<string, unknown> };
  return { name, ok: false, problems: result.problems, needs: [], automation: isObject(raw) ? raw : null };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function verdict(report: RecordingReport): SafeHtml {
  return report.ok ? html`<span class="status status-success">valid</span>` : html`<span class="status status-failed">invalid</span>`;
}

export function recordingsListBody(reports: RecordingReport[], base: string, directory: string): SafeHtml {
  return html`<h1>Recordings</h1>
<p class="muted">Files in AUTOMATIONS_DIR (<code>${directory}</code>), checked as the worker checks them.</p>
${reports.length === 0 ? html`<p>No recordings yet.</p>` : html`<table>
<thead><tr><th scope="col">Endpoint</th><th scope="col">Validation</th><th scope="col">Problems</th><th scope="col">Needs</th></tr></thead>
<tbody>
${reports.map((report) => html`<tr>
<td><a href="${pathOf(`${base}/recordings`, report.name)}">${report.name}</a></td>
<td>${verdict(report)}</td>
<td>${report.problems.length}</td>
<td>${report.needs.length === 0 ? html`<span class="muted">nothing beyond a browser</span>` : report.needs.length}</td>
</tr>`)}
</tbody></table>`}`;
}

/** Which action an action node holds, and its sub-action's object (which carries the locator). */
function actionOf(node: Record<string, unknown>): { kind: string; detail: Record<string, unknown> | null } {
  const container = ACTION_CONTAINERS.find((key) => node[key] !== null && node[key] !== undefined);
  if (!container) return { kind: 'no action', detail: null };
  const value = node[container];
  if (!isObject(value)) return { kind: container, detail: null };
  const sub = Object.entries(value).find(([, inner]) => isObject(inner));
  return sub && isObject(sub[1]) ? { kind: `${container}.${sub[0]}`, detail: sub[1] } : { kind: container, detail: value };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function field(label: string, value: unknown): SafeHtml | '' {
  const shown = text(value);
  return shown === null ? '' : html` <span class="muted">${label}</span> <code>${shown}</code>`;
}

function nodeList(nodes: unknown, path: string, label?: string): SafeHtml {
  if (!Array.isArray(nodes) || nodes.length === 0) return label ? html`<p class="muted">${label}: none</p>` : html``;
  return html`${label ? html`<p>${label}</p>` : ''}<ul class="nodes">${nodes.map((node, index) => nodeItem(node, `${path}[${index}]`))}</ul>`;
}

function nodeItem(node: unknown, path: string): SafeHtml {
  if (!isObject(node)) return html`<li><code>${path}</code> <span class="problem">not an object</span></li>`;
  const type = text(node['type']) ?? 'action_node';
  const head = html`<code>${path}</code> <strong>${type}</strong>`;
  if (type === 'for_loop_node') {
    return html`<li>${head}${field('over', node['variable_name'])}${field('locator', node['locator'])}${field('index', node['index_variable_name'])}
${nodeList(node['nodes'], `${path}.nodes`, 'Each iteration')}${Array.isArray(node['reset_nodes']) && node['reset_nodes'].length > 0 ? nodeList(node['reset_nodes'], `${path}.reset_nodes`, 'Between iterations') : ''}</li>`;
  }
  if (type === 'if_else_node') {
    return html`<li>${head}${field('if', node['condition'])}
${nodeList(node['if_nodes'], `${path}.if_nodes`, 'Then')}${nodeList(node['else_nodes'], `${path}.else_nodes`, 'Else')}</li>`;
  }
  if (type === 'assert_locator_node') return html`<li>${head}${field('locator', node['locator'])}${field('assertion', node['assertion'])}</li>`;
  if (type === 'private_node') return html`<li>${head}${field('handler', node['handler'])}</li>`;
  const action = actionOf(node);
  return html`<li>${head} <code>${action.kind}</code>${field('locator', action.detail?.['command'])}${field('prompt', action.detail?.['prompt_instructions'])}</li>`;
}

export function recordingBody(report: RecordingReport, base: string): SafeHtml {
  const automation = report.automation;
  return html`<p><a href="${base}/recordings">← All recordings</a></p>
<h1>Recording <code>${report.name}</code> ${verdict(report)}</h1>
<p><a href="${base}?endpoint=${encodeURIComponent(report.name)}">Tasks of this endpoint</a></p>
<h2 id="validation">Validation</h2>
${report.ok ? html`<p>The worker accepts this recording.</p>` : html`<ul>${report.problems.map((problem) => html`<li class="problem"><code>${problem.path}</code>: ${problem.message}</li>`)}</ul>`}
<h2 id="needs">Needs when it runs</h2>
${!report.ok ? html`<p class="muted">Known once the recording validates.</p>` : report.needs.length === 0 ? html`<p>Nothing beyond a browser.</p>` : html`<ul>${report.needs.map((need) => html`<li><code>${need.path}</code>: ${need.needs}</li>`)}</ul>`}
<h2 id="nodes">Nodes</h2>
${automation === null ? html`<p class="muted">No automation to show.</p>` : html`<p>${field('Starts at', automation['url'])}</p>
${nodeList(automation['nodes'], 'nodes')}
${Array.isArray(automation['post_processing_nodes']) && automation['post_processing_nodes'].length > 0 ? html`<h3>Post-processing</h3>${nodeList(automation['post_processing_nodes'], 'post_processing_nodes')}` : ''}`}`;
}
