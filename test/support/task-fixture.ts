import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Task, type TaskInput } from '../../lib/schemas/wire/task.js';

/** A folder under the system temp dir for one test's task files. */
export function tempDir(prefix = 'worker-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A valid Task as a control plane would send it, with the fields a test cares about. */
export function makeTask(overrides: Partial<TaskInput> = {}): Task {
  return Task.parse({
    task_id: randomUUID(),
    user_id: 'user-1',
    recording_id: 'recording-1',
    endpoint_name: 'test_endpoint',
    input_parameters: {},
    created_at: new Date().toISOString(),
    status: 'queued',
    api_key: 'test-api-key',
    save_directory: tempDir(),
    ...overrides,
  });
}
