import { describe, expect, it } from 'vitest';
import { createHumanInLoopGate } from './human-in-loop-gate.js';

const task = { task_id: 'task-1', api_key: 'key' };

describe('the human-in-the-loop gate', () => {
  it('releases a waiting step when the person finishes', async () => {
    const gate = createHumanInLoopGate(async () => {});
    await gate.notify(task);
    const waiting = gate.waitForRelease(task.task_id, 5_000);
    gate.complete(task.task_id);
    expect(await waiting).toBe(true);
    expect(gate.takeStatus(task.task_id)).toBe(false);
  });

  it('releases the step when the person finished after being asked but before the step waited', async () => {
    // As when the control plane's answer, or the step in the task thread, comes after the person.
    const gate = createHumanInLoopGate(async () => gate.complete(task.task_id));
    await gate.notify(task);
    expect(await gate.waitForRelease(task.task_id, 5_000)).toBe(true);
  });

  it('does not release a step with a mark left from before it asked, and ends the wait when its time runs out', async () => {
    const gate = createHumanInLoopGate(async () => {});
    gate.complete(task.task_id);
    await gate.notify(task);
    expect(await gate.waitForRelease(task.task_id, 50)).toBe(false);
  });

  it('ends the wait, unreleased, when the task is stopped', async () => {
    const gate = createHumanInLoopGate(async () => {});
    await gate.notify(task);
    const stop = new AbortController();
    const waiting = gate.waitForRelease(task.task_id, 5_000, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
  });
});
