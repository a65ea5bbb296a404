import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type ChromiumExecutable = {
  executablePath: string;
  args: string[];
  /** Where the binary came from, for logs and errors. */
  source: 'CHROMIUM_PATH' | '@sparticuz/chromium';
};

/**
 * Flags from @sparticuz/chromium we must not keep:
 * - `--single-process`: closing one browser context then kills the whole browser, and we reuse one
 *   browser across tasks with a fresh context each.
 * - `--disable-web-security`, `--allow-running-insecure-content`: a worker visits real portals with
 *   real sessions; same-origin rules stay on.
 */
const DROPPED_SPARTICUZ_FLAGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/** Flags that keep Chromium quiet on a machine with no internet and no display. */
export const COMMON_CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--mute-audio',
];

let cached: Promise<ChromiumExecutable> | undefined;

/**
 * Resolves the Chromium binary once per process: `CHROMIUM_PATH` when given, else the one shipped
 * inside the @sparticuz/chromium package (extracted to `$TMPDIR/chromium`).
 */
export function resolveChromiumExecutable(chromiumPath?: string): Promise<ChromiumExecutable> {
  if (chromiumPath) {
    return Promise.resolve({ executablePath: chromiumPath, args: [...COMMON_CHROMIUM_FLAGS], source: 'CHROMIUM_PATH' });
  }
  cached ??= extractSparticuzChromium().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function extractSparticuzChromium(): Promise<ChromiumExecutable> {
  const { default: chromium } = await import('@sparticuz/chromium');
  const expectedMajor = packagedChromiumMajor();
  let executablePath = await chromium.executablePath();
  // The package silently reuses whatever already sits at $TMPDIR/chromium, which may be another
  // version left by another project: check, and extract afresh when it does not match.
  if ((await binaryMajor(executablePath)) !== expectedMajor) {
    await rm(join(tmpdir(), 'chromium'), { force: true });
    executablePath = await chromium.executablePath();
    const found = await binaryMajor(executablePath);
    if (found !== expectedMajor) {
      throw new Error(`Chromium at ${executablePath} is version ${found ?? 'unknown'}, expected ${expectedMajor} from @sparticuz/chromium`);
    }
  }
  const args = chromium.args.filter((flag) => !DROPPED_SPARTICUZ_FLAGS.has(flag));
  for (const flag of COMMON_CHROMIUM_FLAGS) if (!args.includes(flag)) args.push(flag);
  return { executablePath, args, source: '@sparticuz/chromium' };
}

function packagedChromiumMajor(): string {
  // The package does not export its package.json; read it beside its entry point.
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@sparticuz/chromium');
  const manifest = join(entry.slice(0, entry.lastIndexOf('/build/')), 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return version.split('.')[0] ?? '';
}

async function binaryMajor(executablePath: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(executablePath, ['--version'], { timeout: 10_000 });
    return /(\d+)\.\d+\.\d+\.\d+/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}
