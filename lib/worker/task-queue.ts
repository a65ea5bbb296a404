import type { Task } from '../schemas/wire/task.js';

/** `rank`: the priority, or +∞ for a task without one; `arrival` breaks ties. Plain numbers, so an entry costs no allocation of its own. */
type Entry<T> = { item: T; rank: number; arrival: number };

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
    this.heap.push({ item, rank: item.priority ?? Number.POSITIVE_INFINITY, arrival: this.seq++ });
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
    for (const entry of kept.sort((a, b) => (before(a, b) ? -1 : 1))) this.heap.push(entry);
    return removed;
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!before(this.at(child), this.at(parent))) return;
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
      if (left < this.heap.length && before(this.at(left), this.at(smallest))) smallest = left;
      if (right < this.heap.length && before(this.at(right), this.at(smallest))) smallest = right;
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

/** Whether `a` is taken before `b`: lower priority first, no priority last, then arrival order. */
function before(a: Entry<unknown>, b: Entry<unknown>): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.arrival < b.arrival);
}
