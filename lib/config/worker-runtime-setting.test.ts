import { describe, expect, it } from 'vitest';
import { loadSettings } from './settings.js';

describe('WORKER_RUNTIME', () => {
  it('is local unless told otherwise', () => {
    expect(loadSettings({}).settings.WORKER_RUNTIME).toBe('local');
  });

  it('takes sqs with the queue it sends tasks to', () => {
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/task-queue';
    expect(loadSettings({ WORKER_RUNTIME: 'sqs', TASK_QUEUE_URL: url }).settings).toMatchObject({ WORKER_RUNTIME: 'sqs', TASK_QUEUE_URL: url });
  });

  it('refuses sqs without TASK_QUEUE_URL, naming it', () => {
    expect(() => loadSettings({ WORKER_RUNTIME: 'sqs' })).toThrow(/TASK_QUEUE_URL: required with WORKER_RUNTIME=sqs/);
  });

  it('refuses a runtime it does not know', () => {
    expect(() => loadSettings({ WORKER_RUNTIME: 'kafka' })).toThrow(/WORKER_RUNTIME/);
  });
});
