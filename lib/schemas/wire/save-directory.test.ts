import { describe, expect, it } from 'vitest';
import { Task } from './task.js';

/** save_directory arrives with the task: it must name one folder plainly, never climb out of one. */
const task = (save_directory: string) => ({
  task_id: 't-1',
  user_id: 'u',
  recording_id: 'r',
  endpoint_name: 'e',
  input_parameters: {},
  created_at: '2025-01-01T00:00:00Z',
  status: 'queued',
  api_key: 'k',
  save_directory,
});

describe('Task.save_directory', () => {
  it.each(['/tmp/optexity', '/srv/runs/', '/data/a b'])('accepts %j', (dir) => {
    expect(Task.safeParse(task(dir)).success).toBe(true);
  });

  it.each([
    ['/tmp/../etc', 'must not contain a ".." segment'],
    ['runs', 'must be an absolute path'],
    ['../runs', 'must be an absolute path'],
    ['/tmp/./x', 'must be a normalized path'],
    ['/tmp//x', 'must be a normalized path'],
    ['/tmp\\x', 'must not contain "\\"'],
    ['/tmp/x\u0000', 'must not contain a NUL byte'],
  ])('refuses %j: %s', (dir, message) => {
    const result = Task.safeParse(task(dir));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual(['save_directory', expect.stringContaining(message)]);
  });
});
