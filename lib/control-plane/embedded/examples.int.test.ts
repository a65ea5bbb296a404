import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRecording } from '../../automation/validate-recording.js';
import { InferenceRequest } from '../../schemas/wire/inference-request.js';
import { EXAMPLE_REPORTS, exampleReportCsv } from './example-data.js';
import { bodyOf, startTestControlPlane, type TestControlPlane } from '../../../test/support/control-plane.js';

const AUTOMATIONS_DIR = fileURLToPath(new URL('../../../automations/', import.meta.url));
const PAGES_DIR = fileURLToPath(new URL('../../../examples/pages/', import.meta.url));

type NodeLike = Record<string, unknown>;

async function recordingFile(name: string): Promise<{ endpoint_name: string; automation: NodeLike }> {
  return JSON.parse(await readFile(`${AUTOMATIONS_DIR}${name}.json`, 'utf8'));
}

/** Every action kind a recording uses, as `container.sub_action`, nested nodes included. */
function actionKinds(nodes: unknown): string[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.flatMap((node: NodeLike) => {
    const own = ['interaction_action', 'extraction_action']
      .filter((container) => node[container])
      .flatMap((container) => Object.keys(node[container] as NodeLike).filter((key) => key !== 'unique_identifier').map((key) => `${container}.${key}`));
    return [String(node.type), ...own, ...actionKinds(node.nodes), ...actionKinds(node.if_nodes), ...actionKinds(node.else_nodes)];
  });
}

describe('example recordings', () => {
  it.each(['example_login', 'example_reports'])('%s passes validateRecording and targets the local example site', async (name) => {
    const file = await recordingFile(name);
    expect(file.endpoint_name).toBe(name);
    const result = validateRecording(file.automation);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.warnings).toEqual([]);
    expect(String(file.automation.url)).toMatch(/^http:\/\/localhost:8000\/examples\/.+\/$/);
  });

  it('example_login uses the login actions, a locator assertion, a network call, a screenshot and conditions', async () => {
    const { automation } = await recordingFile('example_login');
    expect(automation.parameters).toMatchObject({ input_parameters: { username: ['alice'], password: ['open-sesame'] } });
    expect(new Set(actionKinds(automation.nodes))).toEqual(
      new Set([
        'action_node',
        'interaction_action.input_text',
        'interaction_action.click_element',
        'assert_locator_node',
        'extraction_action.network_call',
        'extraction_action.screenshot',
        'if_else_node',
      ]),
    );
    expect(JSON.stringify(automation)).toContain('"url_pattern":"/examples/api/account"');
  });

  it('example_reports selects, loops over report_ids with downloads, scrolls, checks and goes back', async () => {
    const { automation } = await recordingFile('example_reports');
    expect(new Set(actionKinds(automation.nodes))).toEqual(
      new Set([
        'action_node',
        'interaction_action.click_element',
        'interaction_action.scroll',
        'interaction_action.go_back',
        'interaction_action.check',
        'interaction_action.select_option',
        'for_loop_node',
      ]),
    );
    const text = JSON.stringify(automation);
    expect(text).toContain('"expect_download":true');
    expect(text).toContain('"download_filename":"report-{report_ids[index]}.csv"');
  });
});

describe('example pages served by the control plane', () => {
  let cp: TestControlPlane;
  const get = (path: string, init?: RequestInit) => fetch(new URL(path, cp.url), { redirect: 'manual', ...init });

  beforeAll(async () => {
    cp = await startTestControlPlane({ automationsDir: AUTOMATIONS_DIR });
  });
  afterAll(async () => cp.close());

  it.each([
    ['/examples/', 'Example sites'],
    ['/examples/login/', '<label for="username">Username</label>'],
    ['/examples/login/account.html', 'Show details'],
    ['/examples/reports/', '<label for="region">Region</label>'],
    ['/examples/reports/terms.html', 'Terms of use'],
  ])('serves %s as HTML without an API key', async (path, snippet) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain(snippet);
  });

  it('serves the stylesheet with its content type and redirects folders to their slash', async () => {
    expect((await get('/examples/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const folder = await get('/examples/login');
    expect(folder.status).toBe(301);
    expect(folder.headers.get('location')).toBe('/examples/login/');
    expect((await get('/examples')).headers.get('location')).toBe('/examples/');
  });

  it('keeps static files inside examples/pages', async () => {
    for (const path of ['/examples/..%2F..%2Fpackage.json', '/examples/login/..%2F..%2F..%2Fpackage.json', '/examples/%00', '/examples/missing.html']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
    }
  });

  it('answers the account JSON of the login example', async () => {
    const response = await get('/examples/api/account?user=alice');
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({ user: 'alice', plan: 'pro', balance: 1250.5 });
    expect(await bodyOf(await get('/examples/api/account?user=zoe'))).toEqual({ user: 'zoe', plan: 'free', balance: 0 });
    const missing = await get('/examples/api/account');
    expect(missing.status).toBe(422);
    expect((await bodyOf(missing)).problems[0].path).toBe('user');
  });

  it('serves every report of the reports page as a CSV attachment', async () => {
    const html = await readFile(`${PAGES_DIR}reports/index.html`, 'utf8');
    const rows = [...html.matchAll(/aria-label="Report (\w+)" data-region="(\w+)"/g)].map((match) => ({ id: match[1], region: match[2] }));
    expect(rows).toEqual(EXAMPLE_REPORTS.map((report) => ({ id: report.id, region: report.region })));
    for (const { id } of rows) {
      const response = await get(`/examples/files/report-${id}.csv?`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toContain(`attachment; filename="report-${id}.csv"`);
      expect(await response.text()).toBe(exampleReportCsv(id ?? ''));
    }
    expect((await get('/examples/files/report-r9.csv')).status).toBe(404);
    expect((await get('/examples/files/passwd')).status).toBe(404);
  });

  it('accepts inference for both example recordings with their own parameters', async () => {
    for (const name of ['example_login', 'example_reports']) {
      const { automation } = await recordingFile(name);
      const parameters = (automation.parameters as { input_parameters: Record<string, unknown[]> }).input_parameters;
      const task = await cp.client.requestInference(InferenceRequest.parse({ endpoint_name: name, input_parameters: parameters }));
      expect(task.automation).toEqual(automation);
      const recording = await bodyOf(await cp.request(`/api/v1/recording/${name}`));
      expect(recording.automation).toEqual(automation);
    }
  });
});
