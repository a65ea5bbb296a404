import { describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64 } from '../../../../test/support/control-plane.js';
import { stepsFixture, trajectoryArchive } from '../../../../test/support/dashboard-fixtures.js';
import { hasLogsEntry, readLogsEntry, readSteps } from './trajectory-reader.js';

const png = Buffer.from(TINY_PNG_BASE64, 'base64');

describe('trajectory reader', () => {
  it('reads steps.json and single files from the archive', async () => {
    const archive = await trajectoryArchive('t1', png, { steps: stepsFixture(), trace: true });
    const steps = await readSteps(archive, 't1');
    expect(steps.kind).toBe('steps');
    if (steps.kind === 'steps') expect(steps.steps.map((step) => step.outcome)).toEqual(['success', 'failed']);
    const screenshot = await readLogsEntry(archive, 't1', 'step_0/screenshot.png');
    expect(screenshot.kind === 'found' && screenshot.content.equals(png)).toBe(true);
    expect(await hasLogsEntry(archive, 't1', 'trace.zip')).toBe(true);
  });

  it('answers missing for another task folder, an unsafe path, or an absent file', async () => {
    const archive = await trajectoryArchive('t1', png, {});
    expect(await readSteps(archive, 't1')).toEqual({ kind: 'none' });
    expect((await readLogsEntry(archive, 'other', 'step_0/screenshot.png')).kind).toBe('missing');
    expect((await readLogsEntry(archive, 't1', '../logs/step_0/screenshot.png')).kind).toBe('missing');
    expect(await hasLogsEntry(archive, 't1', 'trace.zip')).toBe(false);
  });

  it('stops at its size limit and tells a broken steps file or archive apart', async () => {
    const archive = await trajectoryArchive('t1', png, { steps: '{"steps": [{"step_index": "zero"}]}' });
    expect((await readLogsEntry(archive, 't1', 'step_0/screenshot.png', { maxEntries: 100, maxEntryBytes: 10 })).kind).toBe('too-large');
    const invalid = await readSteps(archive, 't1');
    expect(invalid.kind).toBe('invalid');
    expect((await readSteps(await trajectoryArchive('t1', png, { steps: 'not json' }), 't1')).kind).toBe('invalid');
    expect((await readLogsEntry(Buffer.from('not a gzip'), 't1', 'steps.json')).kind).toBe('unreadable');
  });
});
