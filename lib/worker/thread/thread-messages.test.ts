import { describe, expect, it } from 'vitest';
import { TaskStoppedError, timedOut } from '../task-runner.js';
import { decodeStopReason, encodeStopReason, jsonSafeFields } from './thread-messages.js';

describe('a stop reason crossing to the task thread', () => {
  it.each([
    ['a kill', new TaskStoppedError('cancelled', 'Task cancelled by user')],
    ['a time limit', timedOut(3)],
  ])('keeps %s a TaskStoppedError with its status and message', (_name, reason) => {
    const decoded = decodeStopReason(structuredClone(encodeStopReason(reason)));
    expect(decoded).toBeInstanceOf(TaskStoppedError);
    expect(decoded).toMatchObject({ status: reason.status, message: reason.message });
  });

  it('keeps any other reason a plain error with its message', () => {
    for (const [reason, message] of [
      [new Error('the browser closed'), 'the browser closed'],
      ['shutting down', 'shutting down'],
      [undefined, 'undefined'],
    ] as const) {
      const decoded = decodeStopReason(structuredClone(encodeStopReason(reason)));
      expect(decoded).not.toBeInstanceOf(TaskStoppedError);
      expect(decoded.message).toBe(message);
    }
  });
});

describe('jsonSafeFields', () => {
  it('makes log fields that cannot be cloned into the JSON a log line would show, errors with their message', () => {
    const error = new Error('no such element');
    const fields = { step_index: 2, error, page: { url: 'http://x/', close: () => {} }, nested: [1, { a: undefined }] };
    expect(() => structuredClone(fields)).toThrow();
    const safe = jsonSafeFields(fields);
    expect(structuredClone(safe)).toEqual({ step_index: 2, error: { name: 'Error', message: 'no such element', stack: error.stack }, page: { url: 'http://x/' }, nested: [1, {}] });
  });
});
