import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ECS_WORKER_ROUTES, WORKER_ROUTES } from './worker-routes.js';

const template = readFileSync(new URL('../../template.yaml', import.meta.url), 'utf8');

/** `Path: /x, Method: POST` pairs of the template's HttpApi events (the template is hand-written YAML). */
function templateRoutes(): string[] {
  return [...template.matchAll(/Path:\s*(\S+?),\s*Method:\s*(\w+)/g)].map((m) => `${(m[2] ?? '').toUpperCase()} ${m[1] ?? ''}`).sort();
}

describe('the route table', () => {
  it('is the same in the local shim and in template.yaml', () => {
    expect(templateRoutes()).toEqual(WORKER_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('in ECS mode is the same table without /inference (a fleet task takes tasks only from its master)', () => {
    expect(ECS_WORKER_ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual(WORKER_ROUTES.filter((r) => r.path !== '/inference').map((r) => `${r.method} ${r.path}`));
    expect(ECS_WORKER_ROUTES.some((r) => r.path === '/inference')).toBe(false);
  });

  it('builds every template function from an existing handler entry point', () => {
    const entries = [...template.matchAll(/EntryPoints:\s*\[([^\]]+)\]/g)].map((m) => (m[1] ?? '').trim());
    const handlers = readdirSync(new URL('../../handlers', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(entries.sort()).toEqual(handlers.map((f) => `handlers/${f}`).sort());
  });

  it('has a sample event for every route, naming its route key', () => {
    const events = readdirSync(new URL('../../events', import.meta.url))
      .map((f) => JSON.parse(readFileSync(new URL(`../../events/${f}`, import.meta.url), 'utf8')) as { routeKey?: string })
      .flatMap((event) => (event.routeKey === undefined ? [] : [event.routeKey]));
    expect(events.sort()).toEqual(WORKER_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('has a sample SQS event for the task runner, the one function with no route', () => {
    const queueEvents = readdirSync(new URL('../../events', import.meta.url)).filter((f) => {
      const event = JSON.parse(readFileSync(new URL(`../../events/${f}`, import.meta.url), 'utf8')) as { Records?: { eventSource?: string }[] };
      return event.Records?.every((record) => record.eventSource === 'aws:sqs') === true;
    });
    expect(queueEvents).toEqual(['run-task.json']);
    expect(template).toMatch(/Handler: run-task\.handler[\s\S]*?Type: SQS[\s\S]*?FunctionResponseTypes: \[ReportBatchItemFailures\]/);
  });
});
