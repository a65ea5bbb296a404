import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../../test/support/control-plane.js';

const PATH = '/api/v1/automations/validate';

/** A click whose `button` is not a mouse button: refused at a known path. */
const BROKEN_CLICK = {
  ...simpleAutomation(),
  nodes: [{ type: 'action_node', interaction_action: { click_element: { command: 'get_by_role("button")', button: 'sideways' } } }],
};

describe('POST /api/v1/automations/validate', () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane();
  });
  afterAll(async () => cp.close());

  it('answers 200 ok with no problems for a recording sent as it is', async () => {
    const response = await cp.request(PATH, { method: 'POST', json: simpleAutomation() });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({ ok: true, problems: [] });
  });

  it('accepts the recording wrapped as {"automation": {...}}', async () => {
    const response = await cp.request(PATH, { method: 'POST', json: { automation: simpleAutomation() } });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({ ok: true, problems: [] });
  });

  it('answers 200 with ok false and the path of every problem, and stores nothing', async () => {
    const response = await cp.request(PATH, { method: 'POST', json: { automation: BROKEN_CLICK } });
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(body.ok).toBe(false);
    expect(body.problems).toContainEqual({ path: 'nodes[0].interaction_action.click_element.button', message: expect.any(String) });
    expect(await readdir(cp.settings.AUTOMATIONS_DIR)).toEqual([]);
  });

  it('takes a body with "nodes" as the recording itself, even with an "automation" key', async () => {
    const response = await cp.request(PATH, { method: 'POST', json: { ...BROKEN_CLICK, automation: simpleAutomation() } });
    expect((await bodyOf(response)).ok).toBe(false);
  });

  it('refuses a body that is not an object as a recording, naming the whole document', async () => {
    const response = await cp.request(PATH, { method: 'POST', json: [simpleAutomation()] });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({ ok: false, problems: [{ path: '', message: expect.any(String) }] });
  });

  it.each([
    ['is not JSON', '{"url":'],
    ['is empty', ''],
  ])('answers 400 BAD_JSON when the body %s', async (_case, body) => {
    const response = await cp.request(PATH, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(await bodyOf(response)).toMatchObject({ success: false, code: 'BAD_JSON' });
  });

  it.each([
    ['missing', ''],
    ['wrong', 'not-the-key'],
  ])('answers 401 when the key is %s', async (_case, key) => {
    const response = await cp.request(PATH, { method: 'POST', json: simpleAutomation(), headers: { 'x-api-key': key } });
    expect(response.status).toBe(401);
    expect(await bodyOf(response)).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
  });

  it('leaves PUT /api/v1/automations/{endpoint_name} to store a recording named "validate"', async () => {
    const response = await cp.request('/api/v1/automations/validate', { method: 'PUT', json: simpleAutomation() });
    expect(response.status).toBe(201);
    expect(await readdir(cp.settings.AUTOMATIONS_DIR)).toEqual(['validate.json']);
  });
});
