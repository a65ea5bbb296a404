import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../../lib/errors.js';

/** A bad command line: the command prints it with its usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit statuses shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type Io = { out: (text: string) => void; err: (text: string) => void };

export const processIo: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** One subcommand: `run` returns the exit status (serve keeps the process alive instead). */
export type Command = { name: string; summary: string; usage: string; run: (argv: string[], io: Io) => Promise<number | undefined> };

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util's parseArgs in strict mode plus -h/--help, with its errors (unknown flag, missing
 * value) turned into UsageErrors that name the flag.
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h', default: false } }, allowPositionals: true, strict: true });
  } catch (error) {
    // Node appends advice about positionals starting with '-', which only confuses here.
    throw new UsageError(errorMessage(error).replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** True when `argv` asks for help, so a command can answer it before checking anything else. */
export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Repeated `--flag name=value` as parameter lists: each value is appended to its name's list, so
 * `--input id=a --input id=b` gives `{id: ["a", "b"]}`.
 */
export function parsePairs<T>(flag: string, pairs: string[] | undefined, convert: (value: string, name: string) => T = (value) => value as T): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} takes NAME=VALUE, got "${pair}"`);
    const name = pair.slice(0, eq);
    (out[name] ??= []).push(convert(pair.slice(eq + 1), name));
  }
  return out;
}

/** The one positional a command takes; a missing or extra one is a usage error naming it. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`Name the ${what}.`);
  if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}"`);
  return positionals[0] as string;
}

/** Runs a command body: a UsageError prints the message and the usage (stderr) and gives 2. */
export async function withUsage(io: Io, usage: string, body: () => Promise<number | undefined>): Promise<number | undefined> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${usage}\n`);
    return EXIT.usage;
  }
}
