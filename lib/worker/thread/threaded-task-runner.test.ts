import { describe, expect, it } from 'vitest';
import { taskThreadEntry } from './threaded-task-runner.js';

describe('taskThreadEntry', () => {
  it('is task-thread.ts beside the runner in a source checkout', () => {
    expect(taskThreadEntry('file:///repo/lib/worker/thread/threaded-task-runner.ts')).toEqual({ file: new URL('file:///repo/lib/worker/thread/task-thread.ts'), fromSource: true });
  });

  it.each(['infra/local/main.js', 'infra/local/invoke-event.js', 'infra/cli/main.js'])('is dist/infra/local/task-thread.js from the bundle dist/%s', (bundle) => {
    expect(taskThreadEntry(`file:///repo/dist/${bundle}`)).toEqual({ file: new URL('file:///repo/dist/infra/local/task-thread.js'), fromSource: false });
  });
});
