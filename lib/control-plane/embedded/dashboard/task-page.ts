import type { StepSummary } from '../../../automation/runner/step-summary.js';
import { TRACE_FILE } from '../../../automation/runner/step-summary.js';
import type { TaskRecord } from '../task-store.js';
import type { taskDetail } from '../task-views.js';
import { durationOf, formatMs, prettyJson, shortTime } from './format.js';
import { html, pathOf, type SafeHtml } from './html.js';
import { statusBadge } from './task-list-page.js';
import type { StepsResult } from './trajectory-reader.js';

export type TaskPageData = {
  task: TaskRecord;
  detail: ReturnType<typeof taskDetail>;
  steps: StepsResult;
  hasTrace: boolean;
  base: string;
  now: Date;
};

/** Screenshots inside output data are shown as images; the JSON shows where they went. */
function outputWithoutImages(output: Record<string, unknown>[]): unknown[] {
  return output.map((item) => {
    const screenshot = item['screenshot'] as { filename?: unknown; base64?: unknown } | null | undefined;
    if (!screenshot || typeof screenshot.base64 !== 'string') return item;
    return { ...item, screenshot: { filename: screenshot.filename, base64: `(${Math.floor((screenshot.base64.length * 3) / 4)} bytes, shown below)` } };
  });
}

function summary(data: TaskPageData, taskBase: string): SafeHtml {
  const { task, detail, base } = data;
  const row = (label: string, value: unknown) => html`<dt>${label}</dt><dd>${value}</dd>`;
  const time = (iso: string | null) => (iso ? html`<time datetime="${iso}">${shortTime(iso)}</time>` : html`<span class="muted">not yet</span>`);
  return html`<h2 id="summary">Summary</h2>
<dl class="summary">
${row('Status', statusBadge(task.status))}
${row('Endpoint', html`<a href="${pathOf(`${base}/recordings`, task.endpoint_name)}">${task.endpoint_name}</a>`)}
${row('Recording', task.recording_id)}
${row('Created', time(task.created_at))}
${row('Allocated', time(task.allocated_at))}
${row('Started', time(task.started_at))}
${row('Completed', time(task.completed_at))}
${row('Duration', durationOf(task.started_at, task.completed_at, data.now) || html`<span class="muted">not started</span>`)}
${row('Attempts (retry_count)', task.retry_count)}
${task.waiting_for_human_since ? row('Waiting for a person since', time(task.waiting_for_human_since)) : ''}
${row('Error', task.error ? html`<pre class="error">${task.error}</pre>` : html`<span class="muted">none</span>`)}
${row('Token usage', task.token_usage == null ? html`<span class="muted">none reported</span>` : html`<pre>${prettyJson(task.token_usage)}</pre>`)}
${row('Callback', detail.callback ? `${detail.callback.state} (${detail.callback.attempts} attempts)` : html`<span class="muted">none requested</span>`)}
${task.has_trajectory ? row('Trajectory', html`<a href="${taskBase}/trajectory" download>trajectory archive (.tar.gz)</a>`) : ''}
</dl>`;
}

function parameters(task: TaskRecord): SafeHtml {
  const entries = Object.entries(task.input_parameters);
  return html`<h2 id="parameters">Input parameters</h2>
${entries.length === 0 ? html`<p class="muted">None.</p>` : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Values</th></tr></thead><tbody>
${entries.map(([name, values]) => html`<tr><td><code>${name}</code></td><td><code>${JSON.stringify(values)}</code></td></tr>`)}
</tbody></table>`}
${task.secure_parameter_names.length > 0 ? html`<p>Secure parameters (values never shown): ${task.secure_parameter_names.map((name, index) => html`${index > 0 ? ', ' : ''}<code>${name}</code>`)}</p>` : ''}`;
}

function output(data: TaskPageData, taskBase: string): SafeHtml {
  const items = data.task.output_data ?? [];
  const images = items.flatMap((item, index) => {
    const screenshot = item['screenshot'] as { filename?: unknown; base64?: unknown } | null | undefined;
    return screenshot && typeof screenshot.base64 === 'string' ? [{ index, name: String(screenshot.filename ?? `output ${index}`) }] : [];
  });
  const files = data.detail.screenshots;
  return html`<h2 id="output">Output data</h2>
${items.length === 0 ? html`<p class="muted">No output data reported.</p>` : html`<pre>${prettyJson(outputWithoutImages(items))}</pre>`}
${images.length + files.length > 0 ? html`<div class="thumbs">
${images.map((image) => html`<figure><img src="${taskBase}/output/${image.index}/screenshot" alt="Output screenshot ${image.name}"><figcaption>${image.name}</figcaption></figure>`)}
${files.map((name) => html`<figure><img src="${pathOf(`${taskBase}/screenshots`, name)}" alt="Screenshot ${name}"><figcaption>${name}</figcaption></figure>`)}
</div>` : ''}`;
}

function downloads(data: TaskPageData, taskBase: string): SafeHtml {
  const names = data.detail.downloads;
  return html`<h2 id="downloads">Downloads</h2>
${names.length === 0 ? html`<p class="muted">No downloads.</p>` : html`<ul>${names.map((name) => html`<li><a href="${pathOf(`${taskBase}/downloads`, name)}" download>${name}</a></li>`)}</ul>`}
<h2 id="final-screenshot">Final screenshot</h2>
${data.task.final_screenshot ? html`<p class="thumbs"><a href="${taskBase}/final_screenshot"><img src="${taskBase}/final_screenshot" alt="Final screenshot of the task"></a></p>` : html`<p class="muted">No final screenshot.</p>`}`;
}

function stepItem(step: StepSummary, taskBase: string): SafeHtml {
  const logs = `${taskBase}/logs`;
  const folder = step.screenshot?.includes('/') ? step.screenshot.slice(0, step.screenshot.lastIndexOf('/')) : `step_${step.step_index}`;
  const thumbnail = step.screenshot
    ? html`<a href="${pathOf(logs, step.screenshot)}"><img src="${pathOf(logs, step.screenshot)}" alt="Screenshot before step ${step.step_index}" loading="lazy" width="240"></a>`
    : html`<span class="muted">No screenshot</span>`;
  return html`<li>
<div>${thumbnail}</div>
<div>
<h3>Step ${step.step_index}: <code>${step.action}</code> ${statusBadge(step.outcome)}</h3>
<dl class="summary">
<dt>Node</dt><dd><code>${step.node_path}</code></dd>
${step.locator ? html`<dt>Locator</dt><dd><code>${step.locator}</code></dd>` : ''}
<dt>Page</dt><dd><code>${step.url}</code>${step.title ? html` (${step.title})` : ''}</dd>
<dt>Duration</dt><dd>${formatMs(step.duration_ms)}</dd>
${step.error ? html`<dt>Error</dt><dd><pre class="error">${step.error}</pre></dd>` : ''}
${step.asked_llm ? html`<dt>Model</dt><dd><a href="${pathOf(logs, `${folder}/final_prompt.txt`)}">prompt</a> · <a href="${pathOf(logs, `${folder}/llm_response.json`)}">response</a></dd>` : ''}
</dl>
</div>
</li>`;
}

function timeline(data: TaskPageData, taskBase: string): SafeHtml {
  const trace = data.hasTrace
    ? html`<p><a href="${taskBase}/logs/${TRACE_FILE}" download>Download the Playwright trace (${TRACE_FILE})</a>. Open it with <code>npx playwright-core show-trace --port 0 ${TRACE_FILE}</code>.</p>`
    : '';
  const { steps } = data;
  const list = steps.kind === 'steps' && steps.steps.length > 0
    ? html`<ol class="steps">${steps.steps.map((step) => stepItem(step, taskBase))}</ol>`
    : steps.kind === 'invalid'
      ? html`<p class="problem">The step list cannot be shown: ${steps.reason}.</p>`
      : html`<p class="muted">No step list yet.</p>`;
  return html`<h2 id="steps">Steps</h2>${trace}${list}`;
}

export function taskPageBody(data: TaskPageData): SafeHtml {
  const taskBase = pathOf(`${data.base}/tasks`, data.task.task_id);
  return html`<p><a href="${data.base}">← All tasks</a></p>
<h1>Task <code>${data.task.task_id}</code></h1>
${summary(data, taskBase)}
${parameters(data.task)}
${output(data, taskBase)}
${downloads(data, taskBase)}
${timeline(data, taskBase)}`;
}
