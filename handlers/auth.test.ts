import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings, useSettings } from '../lib/config/settings.js';
import { localLambdaContext } from '../lib/http/lambda-event.js';
import type { HttpResult } from '../lib/http/responses.js';
import { setWorkerRuntime } from '../lib/worker/runtime-registry.js';
import type { WorkerRuntime } from '../lib/worker/worker-runtime.js';
import { handler as allocateTask } from './allocate-task.js';
import { handler as health } from './health.js';
import { handler as hitlStatus } from './hitl-status.js';
import { handler as humanInLoopCompleted } from './human-in-loop-completed.js';
import { handler as inference } from './inference.js';
import { handler as isTaskRunning } from './is-task-running.js';
import { handler as killTask } from './kill-task.js';
import { handler as setChildProcessId } from './set-child-process-id.js';

type Handler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof localLambdaContext>) => Promise<HttpResult>;

const KEY = 'lambda-path-api-key';
const UNAUTHORIZED = { success: false, error: 'Unauthorized', code: 'UNAUTHORIZED' };

/** Every protected route with its sample event (which carries the development key). */
const PROTECTED: [string, Handler, string][] = [
  ['POST /inference', inference, 'inference'],
  ['GET /is_task_running', isTaskRunning, 'is-task-running'],
  ['POST /allocate_task', allocateTask, 'allocate-task'],
  ['POST /set_child_process_id', setChildProcessId, 'set-child-process-id'],
  ['POST /human_in_loop_completed', humanInLoopCompleted, 'human-in-loop-completed'],
  ['GET /hitl_status', hitlStatus, 'hitl-status'],
  ['POST /kill_task', killTask, 'kill-task'],
];

function eventWithKey(name: string, key: string | undefined): APIGatewayProxyEventV2 {
  const event = JSON.parse(readFileSync(new URL(`../events/${name}.json`, import.meta.url), 'utf8')) as APIGatewayProxyEventV2;
  const headers = { ...event.headers };
  delete headers['x-api-key'];
  return { ...event, headers: key === undefined ? headers : { ...headers, 'x-api-key': key } };
}

/** Counts what reached the runtime: a refused request must reach nothing. */
function countingRuntime() {
  const calls: string[] = [];
  const runtime: WorkerRuntime = {
    submitInference: async () => (calls.push('inference'), { taskId: 'task-1' }),
    allocateTasks: async (tasks) => (calls.push('allocate'), { taskIds: tasks.map((t) => t.task_id), rejected: [] }),
    health: () => ({ healthy: true, taskRunning: false, queuedTasks: 0 }),
    isTaskRunning: () => (calls.push('running'), false),
    setChildProcessId: () => void calls.push('child'),
    humanInLoopCompleted: () => void calls.push('hitl done'),
    humanInLoopStatus: () => (calls.push('hitl status'), false),
    killTasks: (ids) => (calls.push('kill'), ids.length),
    close: async () => {},
  };
  setWorkerRuntime(runtime);
  return calls;
}

const call = async (fn: Handler, event: APIGatewayProxyEventV2) => {
  const result = await fn(event, localLambdaContext('test'));
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as unknown };
};

beforeAll(() => useSettings(loadSettings({ API_KEY: KEY, DEPLOYMENT: 'dev', MAX_REQUEST_BODY_BYTES: '2048' })));
afterEach(() => setWorkerRuntime(undefined));

describe('the Lambda handlers require API_KEY in x-api-key', () => {
  it.each(PROTECTED)('%s: 401 without a key and with a wrong one (one body), served with the right one', async (_route, fn, name) => {
    const calls = countingRuntime();
    const missing = await call(fn, eventWithKey(name, undefined));
    const empty = await call(fn, eventWithKey(name, ''));
    const wrong = await call(fn, eventWithKey(name, `${KEY}x`));
    const development = await call(fn, eventWithKey(name, 'local-dev-api-key'));
    for (const refused of [missing, empty, wrong, development]) expect(refused).toEqual({ status: 401, body: UNAUTHORIZED });
    expect(calls).toEqual([]);
    const served = await call(fn, eventWithKey(name, KEY));
    expect(served.status).toBeLessThan(300);
    expect(calls).toHaveLength(1);
  });

  it('GET /health needs no key and tells only the queue', async () => {
    countingRuntime();
    const answer = await call(health, eventWithKey('health', undefined));
    expect(answer).toEqual({ status: 200, body: { status: 'healthy', task_running: false, queued_tasks: 0 } });
    expect(JSON.stringify(answer.body)).not.toContain(KEY);
  });

  it('answers 413 for a body over MAX_REQUEST_BODY_BYTES, naming the limit', async () => {
    const calls = countingRuntime();
    const event = eventWithKey('kill-task', KEY);
    event.body = JSON.stringify(Array.from({ length: 200 }, (_, i) => `task-${i}`));
    expect(await call(killTask, event)).toEqual({ status: 413, body: { success: false, error: 'Request body is larger than 2048 bytes', code: 'PAYLOAD_TOO_LARGE' } });
    // A base64 body counts by its decoded size.
    const binary = eventWithKey('kill-task', KEY);
    binary.body = Buffer.from(JSON.stringify(['a'])).toString('base64');
    binary.isBase64Encoded = true;
    expect((await call(killTask, binary)).status).toBe(200);
    expect(calls).toEqual(['kill']);
  });

  it('refuses before the body is even looked at (no detail for a stranger)', async () => {
    countingRuntime();
    const event = eventWithKey('kill-task', 'nope');
    event.body = 'x'.repeat(10_000);
    expect(await call(killTask, event)).toEqual({ status: 401, body: UNAUTHORIZED });
  });
});
