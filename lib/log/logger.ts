/**
 * Structured logging on stderr, with the bindings of the logger (such as `task_id`) on every
 * line: one JSON object per line for files and log collectors, or readable lines for a person
 * at a terminal (log-format.ts). Kept dependency-free so every bundle can use it.
 */
import { formatJsonLine, formatPrettyLine, type LogFormat, type LogRecord } from './log-format.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type { LogFormat, LogFormatSetting } from './log-format.js';
export { chooseLogFormat } from './log-format.js';

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

/** Lower levels rank lower: a logger writes the lines ranked at or above its own level. */
export const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

export function createLogger(
  options: { level?: LogLevel; bindings?: LogFields; sink?: LogSink; format?: LogFormat } = {},
): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const threshold = LEVEL_RANK[level] ?? LEVEL_RANK.info;
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const format = options.format ?? 'json';
  const render = format === 'pretty' ? formatPrettyLine : formatJsonLine;
  const bindings = options.bindings ?? {};
  const write = (lvl: LogLevel, message: string, fields?: LogFields) => {
    if (LEVEL_RANK[lvl] < threshold) return;
    const record: LogRecord = { time: new Date(), level: lvl, msg: message, fields: { ...bindings, ...fields } };
    sink(render(record));
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (more) => createLogger({ level, sink, format, bindings: { ...bindings, ...more } }),
  };
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ sink: () => {} });
