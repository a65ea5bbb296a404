import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEV_DEFAULTS, loadSettings, useSettings } from '../lib/config/settings.js';
import { localLambdaContext } from '../lib/http/lambda-event.js';
import type { HttpResult } from '../lib/http/responses.js';
import { setWorkerRuntime } from '../lib/worker/runtime-registry.js';
import type { HealthReport, WorkerRuntime } from '../lib/worker/worker-runtime.js';
import { handler as allocateTask } from './allocate-task.js';
import { handler as health } from './health.js';
import { handler as inference } from './inference.js';
import { handler as isTaskRunning } from './is-task-running.js';
import { handler as setChildProcessId } from './set-child-process-id.js';
import { handler as hitlStatus } from './hitl-status.js';
import { handler as humanInLoopCompleted } from './human-in-loop-completed.js';
import { handler as killTask } from './kill-task.js';

/** The sample events are the fixtures; each test clones before changing one. */
function loadEvent(name: string): APIGatewayProxyEventV2 {
  return structuredClone(JSON.parse(readFileSync(new URL(`../events/${name}.json`, import.meta.url), 'utf8')) as APIGatewayProxyEventV2);
}

/** Records what the handlers asked of the runtime; the runtime itself is tested elsewhere. */
function recordingRuntime(report: HealthReport = { healthy: true, taskRunning: false, queuedTasks: 0 }) {
  const calls: string[] = [];
  const runtime: WorkerRuntime = {
    submitInference: async (request) => (calls.push(`inference ${request.endpoint_name}`), { taskId: 'task-1' }),
    allocateTasks: async (tasks) => (calls.push(`allocate ${tasks.map((t) => t.task_id).join(',')}`), { taskIds: tasks.map((t) => t.task_id), rejected: [] }),
    health: () => report,
    isTaskRunning: () => report.healthy && report.taskRunning,
    setChildProcessId: (id, arn) => void calls.push(`child ${id} ${arn ?? ''}`),
    humanInLoopCompleted: (taskId) => void calls.push(`hitl done ${taskId}`),
    humanInLoopStatus: (taskId) => (calls.push(`hitl status ${taskId}`), true),
    killTasks: (taskIds) => (calls.push(`kill ${taskIds.join(',')}`), taskIds.length),
    close: async () => {},
  };
  setWorkerRuntime(runtime);
  return calls;
}

const invoke = (fn: (event: APIGatewayProxyEventV2, context: ReturnType<typeof localLambdaContext>) => Promise<HttpResult>, event: APIGatewayProxyEventV2) =>
  fn(event, localLambdaContext('test')).then((result) => ({ status: result.statusCode, body: JSON.parse(result.body ?? 'null') as unknown }));

// The sample events carry the development key: these settings, whatever the environment holds.
beforeAll(() => useSettings(loadSettings({ ...DEV_DEFAULTS })));
afterEach(() => setWorkerRuntime(undefined));

describe('handlers, from the sample events', () => {
  it('inference queues the request and answers 202 with the task id', async () => {
    const calls = recordingRuntime();
    expect(await invoke(inference, loadEvent('inference'))).toEqual({ status: 202, body: { success: true, message: 'Task has been allocated', task_id: 'task-1' } });
    expect(calls).toEqual(['inference example_login']);
  });

  it('inference answers 422 naming the field of a bad body', async () => {
    recordingRuntime();
    const event = loadEvent('inference');
    event.body = JSON.stringify({ endpoint_name: 'x', input_parameters: { a: [{}] } });
    const { status, body } = await invoke(inference, event);
    expect(status).toBe(422);
    expect((body as { problems: { path: string }[] }).problems.map((p) => p.path)).toContain('input_parameters.a[0]');
  });

  it('health answers 200 with the queue, and 503 once the task is past its limit', async () => {
    recordingRuntime({ healthy: true, taskRunning: true, queuedTasks: 2 });
    expect(await invoke(health, loadEvent('health'))).toEqual({ status: 200, body: { status: 'healthy', task_running: true, queued_tasks: 2 } });
    recordingRuntime({ healthy: false, message: 'Task not finished within 10 minutes' });
    expect(await invoke(health, loadEvent('health'))).toEqual({ status: 503, body: { status: 'unhealthy', message: 'Task not finished within 10 minutes' } });
  });

  it('is_task_running answers a bare boolean', async () => {
    recordingRuntime({ healthy: true, taskRunning: true, queuedTasks: 0 });
    expect(await invoke(isTaskRunning, loadEvent('is-task-running'))).toEqual({ status: 200, body: true });
  });

  it('allocate_task takes a Task array (and a single Task, as the Dec-2025 protocol sends it)', async () => {
    const calls = recordingRuntime();
    expect(await invoke(allocateTask, loadEvent('allocate-task'))).toMatchObject({ status: 202, body: { success: true, message: '1 task(s) allocated' } });
    const single = loadEvent('allocate-task');
    single.body = JSON.stringify((JSON.parse(single.body ?? '[]') as unknown[])[0]);
    expect(await invoke(allocateTask, single)).toMatchObject({ status: 202, body: { success: true, message: 'Task has been allocated' } });
    expect(calls).toHaveLength(2);
  });

  it('set_child_process_id renumbers the worker', async () => {
    const calls = recordingRuntime();
    expect(await invoke(setChildProcessId, loadEvent('set-child-process-id'))).toEqual({ status: 200, body: { success: true, message: 'Child process id has been set' } });
    expect(calls).toEqual(['child 1 arn:aws:ecs:us-east-1:123456789012:task/worker/1']);
  });

  it('human_in_loop_completed marks the task\'s step done', async () => {
    const calls = recordingRuntime();
    expect(await invoke(humanInLoopCompleted, loadEvent('human-in-loop-completed'))).toEqual({ status: 200, body: { success: true } });
    expect(calls).toEqual(['hitl done 00000000-0000-4000-8000-000000000001']);
  });

  it('kill_task sends the kill signal for every id and answers with their number', async () => {
    const calls = recordingRuntime();
    expect(await invoke(killTask, loadEvent('kill-task'))).toEqual({ status: 200, body: { success: true, message: 'Kill signal sent for 2 tasks' } });
    expect(calls).toEqual(['kill 00000000-0000-4000-8000-000000000001,00000000-0000-4000-8000-000000000002']);
  });

  it('kill_task answers 422 naming the path when the body is not an array of task ids', async () => {
    const calls = recordingRuntime();
    const notArray = loadEvent('kill-task');
    notArray.body = JSON.stringify({ task_ids: ['a'] });
    const refused = await invoke(killTask, notArray);
    expect(refused.status).toBe(422);
    expect((refused.body as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual(['(body)']);
    const badItem = loadEvent('kill-task');
    badItem.body = JSON.stringify(['a', 3]);
    const second = await invoke(killTask, badItem);
    expect(second.status).toBe(422);
    expect((second.body as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual(['[1]']);
    expect(calls).toEqual([]);
  });

  it('hitl_status answers for the task in the query, and 422 without one', async () => {
    const calls = recordingRuntime();
    expect(await invoke(hitlStatus, loadEvent('hitl-status'))).toEqual({ status: 200, body: { completed: true } });
    expect(calls).toEqual(['hitl status 00000000-0000-4000-8000-000000000001']);
    const bare = loadEvent('hitl-status');
    bare.queryStringParameters = undefined;
    bare.rawQueryString = '';
    const refused = await invoke(hitlStatus, bare);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('query.task_id');
  });
});
