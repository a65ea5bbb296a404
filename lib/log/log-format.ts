/** How one log record becomes one line: JSON for machines, `HH:MM:SS.mmm LEVEL msg k=v` for people. */
export type LogFormat = 'json' | 'pretty';
/** The LOG_FORMAT setting: `auto` picks by whether stderr is a terminal. */
export type LogFormatSetting = 'auto' | LogFormat;

export type LogRecord = { time: Date; level: string; msg: string; fields: Record<string, unknown> };

/** A terminal gets readable lines; a pipe or file keeps JSON, which log collectors parse. */
export function chooseLogFormat(setting: LogFormatSetting, isTTY: boolean | undefined = process.stderr.isTTY): LogFormat {
  if (setting !== 'auto') return setting;
  return isTTY === true ? 'pretty' : 'json';
}

export function formatJsonLine(record: LogRecord): string {
  return JSON.stringify({ time: record.time.toISOString(), level: record.level, msg: record.msg, ...record.fields }, replacer);
}

export function formatPrettyLine(record: LogRecord): string {
  const pairs = Object.entries(record.fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${prettyValue(value)}`);
  return [`${clock(record.time)} ${record.level.toUpperCase().padEnd(5)}`, record.msg, ...pairs].join(' ');
}

/** Local wall-clock time: a person at the terminal reads it against their own clock. */
function clock(time: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;
}

/** Bare when unambiguous; quoted when it has spaces, quotes or `=`, so the pairs still split. */
function prettyValue(value: unknown): string {
  if (value instanceof Error) return prettyValue(value.message);
  if (typeof value === 'string') return value === '' || /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value, replacer);
}

function replacer(_key: string, v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
  if (typeof v === 'bigint') return v.toString();
  return v;
}
