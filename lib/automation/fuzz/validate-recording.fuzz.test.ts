import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordingOf } from '../recording-of.js';
import { validateRecording } from '../validate-recording.js';
import { BASE_CAPABILITIES } from '../worker-capabilities.js';

/**
 * validateRecording is the gate for documents from the network: for any JSON it answers ok or a
 * list of problems, and never throws. Mutations of the published recordings reach much deeper
 * into the schema than random JSON does.
 */
const RUNS = { seed: 20_251_204, numRuns: 600 };
const CORPUS_DIR = join(import.meta.dirname, '../../../test/compat/optexity-corpus');
const CORPUS: unknown[] = readdirSync(CORPUS_DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => recordingOf(JSON.parse(readFileSync(join(CORPUS_DIR, name), 'utf8')) as unknown));

function expectAnswer(raw: unknown): void {
  const result = validateRecording(raw, { ...BASE_CAPABILITIES, allowCodeSteps: true });
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(typeof problem.path).toBe('string');
    expect(typeof problem.message).toBe('string');
  }
}

/** Every object or array inside `value`, with a way to change it in place. */
type Slot = { container: Record<string, unknown> | unknown[]; key: string | number };
function slotsOf(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) value.forEach((item, index) => (out.push({ container: value, key: index }), slotsOf(item, out)));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push({ container: value as Record<string, unknown>, key });
      slotsOf(item, out);
    }
  }
  return out;
}

/** Values worth trying in a recording: wrong types, hostile strings, boundary numbers. */
const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', '../../etc/passwd', '/abs/path', 'a\u0000b', '__proto__', 'evaluate("1")', "__import__('os')", '{x[0]}', -1, 0, 1e308, 2 ** 53, null, true, [], {}),
);
const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom('replace', 'delete', 'add'), value: replacement, key: fc.constantFrom('nodes', 'type', 'command', '__proto__', 'constructor', 'max_iterations', 'extra') });

describe('fuzzing validateRecording', () => {
  it('answers ok or problems for arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (raw) => expectAnswer(raw)), RUNS);
  });

  it('answers ok or problems for arbitrary JSON under an automation shape', () => {
    const shaped = fc.record({ url: fc.jsonValue({ maxDepth: 1 }), parameters: fc.jsonValue({ maxDepth: 2 }), nodes: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 5 }) });
    fc.assert(fc.property(shaped, (raw) => expectAnswer(raw)), RUNS);
  });

  it('answers ok or problems for mutated corpus recordings', () => {
    expect(CORPUS.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(fc.nat({ max: CORPUS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (index, mutations) => {
        const raw = structuredClone(CORPUS[index]);
        for (const { at, kind, value, key } of mutations) {
          const slots = slotsOf(raw);
          if (slots.length === 0) break;
          const slot = slots[at % slots.length] as Slot;
          if (kind === 'delete' && !Array.isArray(slot.container)) delete slot.container[slot.key as string];
          else if (kind === 'add' && !Array.isArray(slot.container)) Object.defineProperty(slot.container, key, { value, enumerable: true, writable: true, configurable: true });
          else (slot.container as Record<string | number, unknown>)[slot.key] = value;
        }
        expectAnswer(raw);
      }),
      { ...RUNS, numRuns: 1500 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
