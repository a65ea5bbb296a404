import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../test/support/fake-llm-server.js';
import { startPageServer, type PageServer } from '../../test/support/page-server.js';
import { recording } from '../../test/support/run-recording.js';
import { startTestWorker, type TestWorker } from '../../test/support/worker.js';

let pages: PageServer;
let model: FakeLlmServer;
let worker: TestWorker;

beforeAll(async () => {
  [pages, model] = await Promise.all([
    startPageServer({ '/claim': '<!doctype html><title>Claim</title><h1>Claim CL-2291</h1><p>Status: Approved</p><p>Amount: 1,240.00</p>' }),
    startFakeLlmServer(),
  ]);
  // The worker as `npm start` runs it, with its model configured through settings only.
  worker = await startTestWorker({ LLM_MODEL: 'openai/claims-reader', LLM_MODEL_BASE_URL: model.baseUrl, LLM_MAX_RETRIES: '0' });
  await worker.writeRecording(
    'claim-status',
    recording(
      pages.url('/claim'),
      [
        {
          type: 'action_node',
          before_sleep_time: 0,
          extraction_action: { llm: { extraction_format: { status: 'str', amount: 'str' }, extraction_instructions: 'Read the claim status and amount', output_variable_names: ['status'] } },
        },
        { type: 'action_node', misc_action: { llm_query: { prompt_instructions: 'Is a claim with status {status[0]} paid out?', output_format: { paid: 'bool' } } } },
      ],
      { claim_id: [] },
      { take_final_screenshot: false },
    ),
  );
});

afterAll(async () => {
  await worker?.close();
  await Promise.all([pages?.close(), model?.close()]);
});

describe('a task with LLM steps through the local worker', () => {
  it('asks the configured model, saves its answers as output data and reports the summed token usage with complete_task', async () => {
    model.enqueue(
      { json: { status: 'Approved', amount: '1,240.00' }, usage: { prompt_tokens: 310, completion_tokens: 12 } },
      { json: { paid: true }, usage: { prompt_tokens: 40, completion_tokens: 3, reasoning_tokens: 2 } },
    );
    const response = await worker.worker('/inference', { method: 'POST', json: { endpoint_name: 'claim-status', input_parameters: { claim_id: ['CL-2291'] } } });
    expect(response.status).toBe(202);
    const { task_id: taskId } = (await response.json()) as { task_id: string };

    const task = await worker.waitForTask(taskId);
    expect(task).toMatchObject({ status: 'success', error: null });
    expect(task.token_usage).toMatchObject({ input_tokens: 350, output_tokens: 15, thoughts_tokens: 2, total_tokens: 365, calculated_total_tokens: 367 });
    expect(model.requests.map((r) => r.model)).toEqual(['claims-reader', 'claims-reader']);
    // The extraction read the page; the query got the value the extraction produced.
    expect(model.requests[0]?.userText).toContain('Amount: 1,240.00');
    expect(model.requests[1]?.userText).toContain('Is a claim with status Approved paid out?');
    const output = (await (await worker.controlPlane(`/api/v1/tasks/${taskId}`)).json()) as { output_data?: { json_data?: unknown }[] };
    expect(output.output_data?.map((o) => o.json_data)).toEqual([{ status: 'Approved', amount: '1,240.00' }, { paid: true }]);
  });
});
