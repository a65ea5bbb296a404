import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/task-fixture.js';
import { ControlPlaneRejectedError } from '../../errors.js';
import { silentLogger } from '../../log/logger.js';
import { Outbox, type Deliver } from './outbox.js';
import { OutboxStore, type NewEntry, type OutboxEntry } from './outbox-store.js';

const entry = (task: string, kind: NewEntry['kind'], payload: Record<string, unknown> = {}): NewEntry => ({ task_id: task, kind, payload });

/** A receiver that refuses what `failing` says, and records what it accepted, in order. */
function receiver(failing: (entry: OutboxEntry) => Error | null = () => null) {
  const delivered: string[] = [];
  const tried: string[] = [];
  const deliver: Deliver = async (item) => {
    tried.push(`${item.task_id}:${item.kind}`);
    const error = failing(item);
    if (error) throw error;
    delivered.push(`${item.task_id}:${item.kind}`);
  };
  return { delivered, tried, deliver };
}

const outboxOf = (directory: string, deliver: Deliver) => new Outbox({ directory, deliver, logger: silentLogger, baseDelayMs: 5, maxDelayMs: 40 });

describe('the outbox', () => {
  it('delivers each task\'s reports in order; a failing report holds back only its own task', async () => {
    let downFor = 3;
    const { delivered, deliver } = receiver((item) => (item.task_id === 'a' && item.kind === 'upload_files' && downFor-- > 0 ? new Error('connection refused') : null));
    // a's three retries take 0.1 + 0.2 + 0.4 s (jitter pinned to its top): long enough that b
    // finishing first shows it was not held up, even on a loaded machine.
    const outbox = new Outbox({ directory: tempDir(), deliver, logger: silentLogger, baseDelayMs: 100, maxDelayMs: 400, random: () => 1 });
    await outbox.add([entry('a', 'start_task'), entry('a', 'upload_files'), entry('a', 'complete_task')]);
    await outbox.add([entry('b', 'start_task'), entry('b', 'complete_task')]);
    expect(await outbox.flush(5_000)).toBe(true);
    expect(delivered.filter((item) => item.startsWith('a:'))).toEqual(['a:start_task', 'a:upload_files', 'a:complete_task']);
    expect(delivered.filter((item) => item.startsWith('b:'))).toEqual(['b:start_task', 'b:complete_task']);
    // b was not held up by a's retries.
    expect(delivered.indexOf('b:complete_task')).toBeLessThan(delivered.indexOf('a:upload_files'));
    await outbox.stop();
  });

  it('keeps each entry on disk until it is acknowledged, with its attempts and last error', async () => {
    const directory = tempDir();
    const outbox = outboxOf(directory, receiver(() => new Error('control plane down')).deliver);
    await outbox.add([entry('a', 'complete_task', { body: { status: 'success' } })]);
    expect(await outbox.flush(120)).toBe(false);
    await outbox.stop();
    const files = readdirSync(directory).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(1);
    const saved = JSON.parse(readFileSync(join(directory, files[0] ?? ''), 'utf8')) as OutboxEntry;
    expect(saved).toMatchObject({ task_id: 'a', kind: 'complete_task', payload: { body: { status: 'success' } }, last_error: 'control plane down' });
    expect(saved.attempts).toBeGreaterThan(1);
  });

  it('backs off: each wait about twice the one before, capped', async () => {
    const times: number[] = [];
    const outbox = new Outbox({
      directory: tempDir(),
      deliver: async () => {
        times.push(Date.now());
        if (times.length < 5) throw new Error('down');
      },
      logger: silentLogger,
      baseDelayMs: 20,
      maxDelayMs: 80,
      random: () => 1,
    });
    await outbox.add([entry('a', 'start_task')]);
    expect(await outbox.flush(5_000)).toBe(true);
    const waits = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(waits[0]).toBeGreaterThanOrEqual(19);
    expect(waits[1]).toBeGreaterThanOrEqual(39);
    expect(waits[2]).toBeGreaterThanOrEqual(79);
    expect(waits[3]).toBeGreaterThanOrEqual(79);
    expect(waits[3]).toBeLessThan(400);
    await outbox.stop();
  });

  it('puts a report the control plane refuses (4xx) aside and goes on with the next', async () => {
    const directory = tempDir();
    const { delivered, deliver } = receiver((item) => (item.kind === 'save_output_data' ? new ControlPlaneRejectedError(422, 'output_data: bad') : null));
    const outbox = outboxOf(directory, deliver);
    await outbox.add([entry('a', 'save_output_data'), entry('a', 'complete_task')]);
    expect(await outbox.flush(2_000)).toBe(true);
    expect(delivered).toEqual(['a:complete_task']);
    expect(readdirSync(join(directory, 'rejected'))).toHaveLength(1);
    await outbox.stop();
  });

  it('retries 429 and 408 answers instead of putting them aside', async () => {
    let answers = [429, 408];
    const { delivered, deliver } = receiver(() => {
      const status = answers[0];
      answers = answers.slice(1);
      return status ? new ControlPlaneRejectedError(status, 'slow down') : null;
    });
    const outbox = outboxOf(tempDir(), deliver);
    await outbox.add([entry('a', 'complete_task')]);
    expect(await outbox.flush(2_000)).toBe(true);
    expect(delivered).toEqual(['a:complete_task']);
    await outbox.stop();
  });

  it('sends what a stopped (or killed) process left on disk when it starts again', async () => {
    const directory = tempDir();
    const first = outboxOf(directory, receiver(() => new Error('down')).deliver);
    await first.add([entry('a', 'start_task'), entry('a', 'complete_task')]);
    await first.stop();
    // What a crash can leave: a half-written temporary file, and a file that is not an entry.
    writeFileSync(join(directory, '000000000000001-000001.json.abc.tmp'), '{"id":');
    writeFileSync(join(directory, '000000000000002-000001.json'), 'not json');
    const { delivered, deliver } = receiver();
    const second = outboxOf(directory, deliver);
    await second.start();
    expect(await second.flush(2_000)).toBe(true);
    expect(delivered).toEqual(['a:start_task', 'a:complete_task']);
    expect(readdirSync(directory).filter((name) => name.endsWith('.json') || name.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(directory, 'rejected', '000000000000002-000001.json.unreadable'))).toBe(true);
    await second.stop();
  });

  it('keeps the reports of one add all or none when the process dies while writing them', async () => {
    const directory = tempDir();
    const store = new OutboxStore(directory);
    await store.open();
    // The process "dies" after the first report's file: the others were never written.
    let writes = 0;
    const write = store.write.bind(store);
    store.write = (item) => (++writes > 1 ? Promise.reject(new Error('killed')) : write(item));
    await expect(store.add([entry('a', 'save_trajectory'), entry('a', 'complete_task'), entry('a', 'initiate_callback')])).rejects.toThrow('killed');
    expect(readdirSync(directory).filter((name) => name.endsWith('.json'))).toHaveLength(1);

    const { delivered, deliver } = receiver();
    const restarted = outboxOf(directory, deliver);
    await restarted.start();
    expect(await restarted.flush(2_000)).toBe(true);
    expect(delivered).toEqual(['a:save_trajectory', 'a:complete_task', 'a:initiate_callback']);
    expect(readdirSync(directory).filter((name) => name !== 'rejected')).toEqual([]);
    await restarted.stop();
  });

  it('stays stopped when stopped while it is still loading what is on disk', async () => {
    const directory = tempDir();
    const first = outboxOf(directory, receiver(() => new Error('down')).deliver);
    await first.add([entry('a', 'start_task')]);
    await first.stop();
    // Past its retry delay: the second outbox would send it as soon as its loop ran.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { tried, deliver } = receiver();
    const second = outboxOf(directory, deliver);
    const starting = second.start();
    await second.stop();
    await starting;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tried).toEqual([]);
    expect(readdirSync(directory).filter((name) => name.endsWith('.json'))).toHaveLength(1);
  });
});
