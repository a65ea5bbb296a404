import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, simpleAutomation, startTestControlPlane, type TestControlPlane } from '../../../test/support/control-plane.js';

/** The limits come from settings and reach the embedded control plane's checks. */
describe('recording limits over HTTP', () => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane({ settings: { MAX_RECORDING_NODES: '3', MAX_LOOP_ITERATIONS: '5' } });
  });
  afterAll(async () => cp.close());

  const sleep = { type: 'action_node', misc_action: { sleep_action: { seconds: 0 } } };
  const tooMany = { ...simpleAutomation(), nodes: [sleep, sleep, sleep, sleep] };
  const longLoop = { ...simpleAutomation(), nodes: [{ type: 'for_loop_node', variable_name: 'name', max_iterations: 6, nodes: [sleep] }] };

  it('POST /api/v1/automations/validate answers ok false with the path and reason', async () => {
    const nodes = await cp.request('/api/v1/automations/validate', { method: 'POST', json: tooMany });
    expect(nodes.status).toBe(200);
    expect(await bodyOf(nodes)).toEqual({ ok: false, problems: [{ path: 'nodes', message: expect.stringContaining('MAX_RECORDING_NODES=3') }] });
    const loop = await cp.request('/api/v1/automations/validate', { method: 'POST', json: longLoop });
    expect(await bodyOf(loop)).toEqual({ ok: false, problems: [{ path: 'nodes[0].max_iterations', message: '6 is above the limit of 5 iterations (MAX_LOOP_ITERATIONS)' }] });
  });

  it('inference answers 422 RECORDING_INVALID for a recording over the limits', async () => {
    for (const [name, recording, path] of [['too_many', tooMany, 'nodes'], ['long_loop', longLoop, 'nodes[0].max_iterations']] as const) {
      await cp.writeRecording(name, recording);
      const response = await cp.request('/api/v1/inference', { method: 'POST', json: { endpoint_name: name, input_parameters: { name: ['bob'] } } });
      expect(response.status, name).toBe(422);
      expect(await bodyOf(response)).toMatchObject({ code: 'RECORDING_INVALID', problems: [expect.objectContaining({ path: expect.stringContaining(path) })] });
    }
  });
});
