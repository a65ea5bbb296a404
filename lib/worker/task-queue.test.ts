import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskQueue } from './task-queue.js';

const task = (task_id: string, priority?: number | null) => ({ task_id, priority });

function drain(queue: TaskQueue<ReturnType<typeof task>>): string[] {
  const out: string[] = [];
  for (let next = queue.shift(); next; next = queue.shift()) out.push(next.task_id);
  return out;
}

describe('TaskQueue', () => {
  it('takes lower priority first, tasks without priority last, ties in arrival order', () => {
    const queue = new TaskQueue<ReturnType<typeof task>>();
    for (const t of [task('none-1'), task('p5', 5), task('p-1', -1), task('p5-b', 5), task('none-2', null), task('p0', 0)]) queue.push(t);
    expect(drain(queue)).toEqual(['p-1', 'p0', 'p5', 'p5-b', 'none-1', 'none-2']);
  });

  it('keeps arrival order among 1000 tasks of equal priority', () => {
    const queue = new TaskQueue<ReturnType<typeof task>>();
    const ids = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    ids.forEach((id) => queue.push(task(id, 3)));
    expect(drain(queue)).toEqual(ids);
  });

  it('removes waiting tasks by id and keeps the order of the rest', () => {
    const queue = new TaskQueue<ReturnType<typeof task>>();
    ['a', 'b', 'c', 'd'].forEach((id, i) => queue.push(task(id, i % 2)));
    expect(queue.remove(new Set(['b', 'x'])).map((t) => t.task_id)).toEqual(['b']);
    expect(queue.has('b')).toBe(false);
    expect(drain(queue)).toEqual(['a', 'c', 'd']);
  });

  it('takes any mix of priorities, nulls and removals in the order of a stable sort', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }), { maxLength: 200 }), fc.array(fc.nat(199)), (priorities, removals) => {
        const queue = new TaskQueue<ReturnType<typeof task>>();
        const tasks = priorities.map((priority, i) => task(`t${i}`, priority));
        tasks.forEach((t) => queue.push(t));
        const removed = new Set(removals.map((i) => `t${i}`));
        queue.remove(removed);
        const rank = (t: ReturnType<typeof task>) => t.priority ?? Number.POSITIVE_INFINITY;
        // Array.prototype.sort is stable: equal ranks keep arrival order.
        const expected = tasks.filter((t) => !removed.has(t.task_id)).sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
        expect(drain(queue)).toEqual(expected.map((t) => t.task_id));
      }),
    );
  });
});
