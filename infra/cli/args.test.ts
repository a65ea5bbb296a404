import { describe, expect, it } from 'vitest';
import { parseCommandArgs, parsePairs, UsageError } from './args.js';
import { parseSecureValue } from './local-task.js';
import { formatTaskDetail, formatTaskList } from './task-table.js';

describe('the CLI arguments', () => {
  it('gathers repeated NAME=VALUE flags into lists, keeping "=" inside values', () => {
    expect(parsePairs('input', ['ids=a', 'region=eu', 'ids=b', 'q=x=y', 'empty='])).toEqual({ ids: ['a', 'b'], region: ['eu'], q: ['x=y'], empty: [''] });
    expect(() => parsePairs('input', ['novalue'])).toThrow(new UsageError('--input takes NAME=VALUE, got "novalue"'));
    expect(() => parsePairs('input', ['=x'])).toThrow(UsageError);
  });

  it('turns unknown flags and missing values into usage errors naming the flag', () => {
    expect(() => parseCommandArgs(['--nope'], {})).toThrow(new UsageError("Unknown option '--nope'"));
    expect(() => parseCommandArgs(['--out'], { out: { type: 'string' } })).toThrow(/--out/);
    expect(parseCommandArgs(['-h'], {}).values.help).toBe(true);
  });

  it('reads --secure values as JSON objects', () => {
    expect(parseSecureValue('{"totp": {"totp_secret": "JBSWY3DPEHPK3PXP"}}', 'otp')).toEqual({ totp: { totp_secret: 'JBSWY3DPEHPK3PXP' } });
    expect(() => parseSecureValue('hunter2', 'pw')).toThrow(/--secure pw: the value must be JSON/);
    expect(() => parseSecureValue('[1]', 'pw')).toThrow('--secure pw: the value must be a JSON object');
  });
});

describe('the task views', () => {
  it('aligns the list in columns, shortening long errors', () => {
    const text = formatTaskList([
      { task_id: 't1', endpoint_name: 'login', status: 'success', created_at: '2026-01-01T00:00:00Z', completed_at: '2026-01-01T00:00:05Z', error: null },
      { task_id: 'task-2', endpoint_name: 'r', status: 'failed', created_at: '2026-01-01T00:01:00Z', completed_at: null, error: `Sign-in failed: ${'x'.repeat(100)}` },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('TASK_ID  ENDPOINT_NAME  STATUS   CREATED_AT            COMPLETED_AT          ERROR');
    expect(lines[1]).toBe('t1       login          success  2026-01-01T00:00:00Z  2026-01-01T00:00:05Z  -');
    expect(lines[2]?.endsWith('…')).toBe(true);
    expect(formatTaskList([])).toBe('No tasks.\n');
  });

  it('shows one field per line, structured values as indented JSON', () => {
    expect(formatTaskDetail({ task_id: 't1', error: null, downloads: ['a.csv'] })).toBe('task_id:   t1\nerror:     -\ndownloads: [\n             "a.csv"\n           ]\n');
  });
});
