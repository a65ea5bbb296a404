import type { CallbackUrl } from '../../schemas/wire/task.js';
import { describeTarget } from './callback-delivery.js';
import type { CallbackRecord } from './callback-store.js';
import type { ControlPlaneDeps } from './route-kit.js';
import { callbackPayload } from './task-views.js';
import type { TaskRecord } from './task-store.js';

export type CallbackStart = { started: boolean; record: CallbackRecord };

/**
 * Delivers the task's result to `target` unless a delivery of it has been made or is under way
 * (a failed one may start again). The claim is a row in SQLite, so a repeated request, a second
 * worker attempt or a restart in between never sends a delivered result twice.
 */
export async function startCallback(
  deps: Pick<ControlPlaneDeps, 'store' | 'files' | 'callbacks' | 'now'>,
  task: TaskRecord,
  target: CallbackUrl,
): Promise<CallbackStart> {
  const { store, callbacks, now } = deps;
  // Built before the claim: a file that cannot be read must not leave a claim nobody delivers.
  const payload = await callbackPayload(task, store, deps.files);
  const claim = store.callbacks.claim(task.task_id, describeTarget(target.url), now().toISOString());
  if (!claim.claimed) return { started: false, record: claim.record };
  callbacks.deliver(target, payload, {
    onAttempt: (attempts, problem) => store.callbacks.recordAttempt(task.task_id, attempts, problem),
    onFinish: (outcome) => store.callbacks.finish(task.task_id, { ...outcome, at: now().toISOString() }),
  });
  return { started: true, record: claim.record };
}

/** The answer both callback routes give: 202 when a delivery started, 200 when one exists already. */
export function callbackAnswer(taskId: string, start: CallbackStart): { status: number; body: Record<string, unknown> } {
  const { record } = start;
  const message = start.started
    ? 'Callback delivery started'
    : record.state === 'delivered'
      ? 'Callback already delivered'
      : 'Callback delivery already under way';
  return { status: start.started ? 202 : 200, body: { success: true, task_id: taskId, message, callback_state: record.state } };
}
