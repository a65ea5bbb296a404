import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInvokeArgs, resolveInvokeTarget } from './invoke-target.js';

const loadEvent = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../events/${name}.json`, import.meta.url), 'utf8'));

describe('npm run invoke', () => {
  it('keeps the one-argument form: the event names its handler', () => {
    expect(parseInvokeArgs(['events/health.json'])).toEqual({ handler: undefined, eventFile: 'events/health.json' });
    expect(resolveInvokeTarget(undefined, loadEvent('health'))).toEqual({ kind: 'route', routeKey: 'GET /health' });
  });

  it('sends an SQS event to the task runner', () => {
    expect(resolveInvokeTarget(undefined, loadEvent('run-task'))).toEqual({ kind: 'module', name: 'run-task', http: false });
  });

  it('takes the handler by name or by path', () => {
    expect(parseInvokeArgs(['handlers/run-task.ts', 'events/run-task.json'])).toEqual({ handler: 'handlers/run-task.ts', eventFile: 'events/run-task.json' });
    expect(resolveInvokeTarget('handlers/run-task.ts', loadEvent('run-task'))).toEqual({ kind: 'module', name: 'run-task', http: false });
    expect(resolveInvokeTarget('dist/handlers/health.js', loadEvent('health'))).toEqual({ kind: 'module', name: 'health', http: true });
  });

  it('refuses an event it cannot place and a name that is not a handler', () => {
    expect(() => resolveInvokeTarget(undefined, { hello: 'world' })).toThrow(/name its handler/);
    expect(() => resolveInvokeTarget('run task', {})).toThrow(/not a handler name/);
    expect(() => parseInvokeArgs([])).toThrow(/usage/);
  });
});
