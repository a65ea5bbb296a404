import type { HumanInLoopGate } from '../automation/runner/run-services.js';

/**
 * The worker's side of human-in-the-loop steps, as the original's routes: POST
 * /human_in_loop_completed marks a task's step done; GET /hitl_status reads (and clears) the
 * mark. A waiting step is woken at once instead of polling.
 */
export type WorkerHumanInLoopGate = HumanInLoopGate & {
  complete(taskId: string): void;
  /** Whether the step was marked done; reading a true clears it, as in the original. */
  takeStatus(taskId: string): boolean;
};

export function createHumanInLoopGate(notify: HumanInLoopGate['notify']): WorkerHumanInLoopGate {
  const completed = new Set<string>();
  const waiters = new Map<string, () => void>();
  return {
    async notify(task) {
      // A mark left from before this step must not release it. One made from here on does: the
      // person may finish before the control plane's answer is read, or (tasks in a thread)
      // before the step's wait reaches this gate.
      completed.delete(task.task_id);
      await notify(task);
    },
    complete(taskId) {
      completed.add(taskId);
      waiters.get(taskId)?.();
    },
    takeStatus(taskId) {
      return completed.delete(taskId);
    },
    waitForRelease(taskId, timeoutMs, signal) {
      if (completed.delete(taskId)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const finish = (released: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiters.delete(taskId);
          if (released) completed.delete(taskId);
          resolve(released);
        };
        const onAbort = () => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.set(taskId, () => finish(true));
      });
    },
  };
}
