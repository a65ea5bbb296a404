import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTarGz } from '../../lib/artifacts/tar-gz.js';
import type { StepsFile } from '../../lib/automation/runner/step-summary.js';
import { TokenUsage } from '../../lib/schemas/wire/control-plane-requests.js';
import { InferenceRequest } from '../../lib/schemas/wire/inference-request.js';
import type { TestControlPlane } from './control-plane.js';

/** Test helpers: tasks created and reported through the real routes, as a worker would. */

export const now = () => new Date().toISOString();

export async function createTask(cp: TestControlPlane, endpoint: string, value: string) {
  return cp.client.requestInference(
    InferenceRequest.parse({ endpoint_name: endpoint, input_parameters: { name: [value] }, unique_parameter_names: ['name'] }),
  );
}

export async function startTask(cp: TestControlPlane, taskId: string, apiKey: string) {
  await cp.client.startTask(apiKey, { task_id: taskId, started_at: now(), allocated_at: now() });
}

export async function completeTask(cp: TestControlPlane, taskId: string, apiKey: string, status: 'success' | 'failed', error: string | null = null) {
  await cp.client.completeTask(apiKey, {
    task_id: taskId,
    child_process_id: 0,
    unique_child_arn: null,
    status,
    error,
    completed_at: now(),
    token_usage: TokenUsage.parse({ input_tokens: 120, output_tokens: 30, total_tokens: 150 }),
    retry_count: 0,
  });
}

export function stepsFixture(): StepsFile {
  const started = new Date(Date.now() - 3000).toISOString();
  return {
    steps: [
      {
        step_index: 0,
        node_path: 'nodes[0]',
        action: 'interaction_action.click_element',
        locator: "get_by_role('button', name='Sign in')",
        started_at: started,
        completed_at: now(),
        duration_ms: 1234,
        outcome: 'success',
        error: null,
        url: 'http://127.0.0.1/login',
        title: 'Login',
        screenshot: 'step_0/screenshot.png',
        asked_llm: true,
      },
      {
        step_index: 1,
        node_path: 'nodes[1]',
        action: 'interaction_action.input_text',
        locator: null,
        started_at: started,
        completed_at: now(),
        duration_ms: 87,
        outcome: 'failed',
        error: 'Element <input id="q"> not found',
        url: 'http://127.0.0.1/search',
        title: '',
        screenshot: null,
        asked_llm: false,
      },
    ],
  };
}

/** A trajectory archive as the worker packs it: `{task_id}/logs/…`. */
export async function trajectoryArchive(taskId: string, screenshot: Buffer, options: { steps?: StepsFile | string; trace?: boolean } = {}): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'dashboard-trajectory-'));
  try {
    const logs = join(work, 'logs');
    await mkdir(join(logs, 'step_0'), { recursive: true });
    await writeFile(join(logs, 'optexity.log'), 'step 0\n');
    await writeFile(join(logs, 'step_0', 'screenshot.png'), screenshot);
    await writeFile(join(logs, 'step_0', 'final_prompt.txt'), 'Click the sign in button');
    await writeFile(join(logs, 'step_0', 'llm_response.json'), '{"index": 3}');
    if (options.steps !== undefined) {
      await writeFile(join(logs, 'steps.json'), typeof options.steps === 'string' ? options.steps : JSON.stringify(options.steps));
    }
    if (options.trace) await writeFile(join(logs, 'trace.zip'), Buffer.from('PK\u0003\u0004 not really a trace'));
    return await createTarGz(work, { arcName: taskId });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export async function uploadTrajectory(cp: TestControlPlane, taskId: string, apiKey: string, archive: Buffer) {
  await cp.client.saveTrajectory(apiKey, taskId, { field: 'compressed_trajectory', filename: `${taskId}.tar.gz`, contentType: 'application/gzip', content: archive });
}
