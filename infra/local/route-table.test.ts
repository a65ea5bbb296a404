import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKER_ROUTES } from './worker-routes.js';

const template = readFileSync(new URL('../../template.yaml', import.meta.url), 'utf8');

/** `Path: /x, Method: POST` pairs of the template's HttpApi events (the template is hand-written YAML). */
function templateRoutes(): string[] {
  return [...template.matchAll(/Path:\s*(\S+?),\s*Method:\s*(\w+)/g)].map((m) => `${(m[2] ?? '').toUpperCase()} ${m[1] ?? ''}`).sort();
}

describe('the route table', () => {
  it('is the same in the local shim and in template.yaml', () => {
    expect(templateRoutes()).toEqual(WORKER_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('builds every template function from an existing handler entry point', () => {
    const entries = [...template.matchAll(/EntryPoints:\s*\[([^\]]+)\]/g)].map((m) => (m[1] ?? '').trim());
    const handlers = readdirSync(new URL('../../handlers', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(entries.sort()).toEqual(handlers.map((f) => `handlers/${f}`).sort());
  });

  it('has a sample event for every route, naming its route key', () => {
    const events = readdirSync(new URL('../../events', import.meta.url)).map(
      (f) => (JSON.parse(readFileSync(new URL(`../../events/${f}`, import.meta.url), 'utf8')) as { routeKey: string }).routeKey,
    );
    expect(events.sort()).toEqual(WORKER_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });
});
