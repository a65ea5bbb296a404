import { ECSClient, UpdateTaskProtectionCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { clusterOf, createScaleInProtection } from './scale-in-protection.js';

const ecs = mockClient(ECSClient);
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/workers/0123456789abcdef';

afterEach(() => ecs.reset());

function setUp() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const protection = createScaleInProtection({ client: new ECSClient({ region: 'eu-west-1' }), cluster: 'workers', taskArn: TASK_ARN, logger });
  return { protection, lines };
}

describe('scale-in protection', () => {
  it('protects the task while one runs (its timeout plus a margin) and releases it when idle, in that order', async () => {
    ecs.on(UpdateTaskProtectionCommand).resolves({ protectedTasks: [], failures: [] });
    const { protection } = setUp();

    protection.onBusy({ max_timeout_in_minutes: 20 });
    protection.onBusy({ max_timeout_in_minutes: 0.5 });
    protection.onIdle();
    await protection.settled();

    expect(ecs.commandCalls(UpdateTaskProtectionCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: 'workers', tasks: [TASK_ARN], protectionEnabled: true, expiresInMinutes: 25 },
      { cluster: 'workers', tasks: [TASK_ARN], protectionEnabled: true, expiresInMinutes: 6 },
      { cluster: 'workers', tasks: [TASK_ARN], protectionEnabled: false },
    ]);
  });

  it('uses the default task timeout when a task has none', async () => {
    ecs.on(UpdateTaskProtectionCommand).resolves({});
    const { protection } = setUp();
    protection.onBusy({});
    await protection.settled();
    expect(ecs.commandCalls(UpdateTaskProtectionCommand)[0]?.args[0].input.expiresInMinutes).toBe(15);
  });

  it('logs a failed call and still makes the next one', async () => {
    ecs.on(UpdateTaskProtectionCommand).rejectsOnce(new Error('AccessDeniedException')).resolves({});
    const { protection, lines } = setUp();

    protection.onBusy({ max_timeout_in_minutes: 1 });
    protection.onIdle();
    await protection.settled();

    expect(ecs.commandCalls(UpdateTaskProtectionCommand)).toHaveLength(2);
    expect(lines.find((line) => line.msg === 'scale-in protection could not be updated')).toMatchObject({ level: 'warn', protection_enabled: true, error: 'AccessDeniedException' });
  });
});

describe('clusterOf', () => {
  it('takes the metadata cluster, else the one in a long-format task ARN', () => {
    expect(clusterOf('workers', TASK_ARN)).toBe('workers');
    expect(clusterOf(undefined, TASK_ARN)).toBe('workers');
    expect(clusterOf(undefined, 'arn:aws:ecs:eu-west-1:1:task/0123')).toBeUndefined();
  });
});
