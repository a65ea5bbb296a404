import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MALLOC_ENV, NODE_FLAGS } from './memory-tuning.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const scripts = (JSON.parse(read('../package.json')) as { scripts: Record<string, string> }).scripts;
const mallocAssignments = Object.entries(MALLOC_ENV).map(([name, value]) => `${name}=${value}`);

describe('the worker process is started with the memory settings of infra/memory-tuning.ts', () => {
  it.each(['start', 'cli'])('by npm run %s', (name) => {
    const script = scripts[name] ?? '';
    for (const assignment of mallocAssignments) expect(script).toContain(assignment);
    expect(script).toMatch(new RegExp(`exec node ${NODE_FLAGS.join(' ')} dist/`));
  });

  it('by the Dockerfile (its environment)', () => {
    const dockerfile = read('../Dockerfile').replace(/\\\n/g, ' ');
    const env = dockerfile.split('\n').filter((line) => line.startsWith('ENV ')).join(' ');
    for (const assignment of mallocAssignments) expect(env).toContain(assignment);
    // Its CMD, with NODE_FLAGS, is checked in infra/dockerfile.test.ts.
  });
});
