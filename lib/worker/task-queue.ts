import type { Task } from '../schemas/wire/task.js';

type Entry<T> = { item: T; key: readonly [number, number, number, number] };

/**
 * Waiting tasks, lowest `priority` first, tasks without one last, ties in arrival order — the
 * original's `(0, priority, created_at, seq)` / `(1, 0, created_at, seq)` key. A binary heap, so
 * enqueue and take stay O(log n) with thousands waiting.
 */
export class TaskQueue<T extends Pick<Task, 'task_id' | 'priority'>> {
  private heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const arrival = this.seq++;
    const key = item.priority == null ? ([1, 0, arrival, arrival] as const) : ([0, item.priority, arrival, arrival] as const);
    this.heap.push({ item, key });
    this.siftUp(this.heap.length - 1);
  }

  shift(): T | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top.item;
  }

  has(taskId: string): boolean {
    return this.heap.some((entry) => entry.item.task_id === taskId);
  }

  /** Removes the waiting tasks with these ids; answers the ones it removed. */
  remove(taskIds: ReadonlySet<string>): T[] {
    const removed = this.heap.filter((entry) => taskIds.has(entry.item.task_id)).map((entry) => entry.item);
    if (removed.length === 0) return [];
    const kept = this.heap.filter((entry) => !taskIds.has(entry.item.task_id));
    this.heap = [];
    for (const entry of kept.sort((a, b) => compare(a.key, b.key))) this.heap.push(entry);
    return removed;
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (compare(this.at(child).key, this.at(parent).key) >= 0) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(index: number): void {
    let parent = index;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.heap.length && compare(this.at(left).key, this.at(smallest).key) < 0) smallest = left;
      if (right < this.heap.length && compare(this.at(right).key, this.at(smallest).key) < 0) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  private at(index: number): Entry<T> {
    return this.heap[index] as Entry<T>;
  }

  private swap(a: number, b: number): void {
    const tmp = this.at(a);
    this.heap[a] = this.at(b);
    this.heap[b] = tmp;
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
