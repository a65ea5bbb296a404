/**
 * Structured logging: one JSON object per line on stderr, with the bindings of the logger (such
 * as `task_id`) on every line. Kept dependency-free so every bundle can use it.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (line: string) => void;

export function createLogger(
  options: { level?: LogLevel; bindings?: LogFields; sink?: LogSink } = {},
): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const threshold = RANK[level] ?? RANK.info;
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bindings = options.bindings ?? {};
  const write = (lvl: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[lvl] < threshold) return;
    sink(safeStringify({ time: new Date().toISOString(), level: lvl, msg: message, ...bindings, ...fields }));
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (more) => createLogger({ level, sink, bindings: { ...bindings, ...more } }),
  };
}

function safeStringify(value: LogFields): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ sink: () => {} });
