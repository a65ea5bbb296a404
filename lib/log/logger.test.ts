import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger } from './logger.js';
import { formatPrettyLine } from './log-format.js';

describe('log format', () => {
  it('auto is pretty on a terminal and JSON otherwise; json and pretty are kept as set', () => {
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', false)).toBe('json');
    expect(chooseLogFormat('auto', undefined)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('prints a pretty line as time, padded level, message, then key=value pairs', () => {
    const time = new Date(2026, 0, 2, 12, 3, 4, 512);
    const line = formatPrettyLine({ time, level: 'info', msg: 'step finished', fields: { task_id: 't-1', step_index: 3, duration_ms: 41, skipped: undefined } });
    expect(line).toBe('12:03:04.512 INFO  step finished task_id=t-1 step_index=3 duration_ms=41');
  });

  it('quotes values a reader could not split, and shows errors and objects compactly', () => {
    const line = formatPrettyLine({
      time: new Date(2026, 0, 2, 9, 0, 0, 5),
      level: 'error',
      msg: 'step failed',
      fields: { error: new Error('no such "button"'), node_path: 'nodes[2]', where: { a: 1 }, empty: '', ok: false, none: null },
    });
    expect(line).toBe('09:00:00.005 ERROR step failed error="no such \\"button\\"" node_path=nodes[2] where={"a":1} empty="" ok=false none=null');
  });

  it('keeps the bindings of a child logger (task_id) and its format on every line', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', format: 'pretty', sink: (line) => lines.push(line) }).child({ task_id: 'abc' });
    logger.info('task started', { endpoint_name: 'login' });
    logger.child({ step_index: 1 }).warn('slow');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  task started task_id=abc endpoint_name=login$/);
    expect(lines[1]).toMatch(/ WARN  slow task_id=abc step_index=1$/);
  });

  it('writes one JSON object per line by default', () => {
    const lines: string[] = [];
    createLogger({ level: 'debug', sink: (line) => lines.push(line) })
      .child({ task_id: 'abc' })
      .error('boom', { error: new Error('bad'), big: 10n });
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'error', msg: 'boom', task_id: 'abc', big: '10', error: { name: 'Error', message: 'bad' } });
    expect(typeof record.time).toBe('string');
  });
});
