import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildHandler, bundledPackages, templateHandlerBuilds } from '../infra/handler-bundles.js';
import type { BenchmarkResult } from './index.js';
import { formatMs, summarize } from './stats.js';

const RUNS = 7;
const SIZE_TARGET_BYTES = 300 * 1024;
const IMPORT_TARGET_MS = 50;

/** How long one fresh Node process takes to import the bundle (module load and top level only). */
function coldImportMs(outfile: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(String(performance.now() - t));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'error' } });
  return Number(output);
}

/**
 * The Lambda bundle of each API handler, built from template.yaml's esbuild settings (Minify
 * as SAM applies it: on unless the template says otherwise): its size and its cold import time.
 */
export async function run(): Promise<BenchmarkResult> {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-handler-bundles-'));
  try {
    const rows: string[] = [];
    const misses: { name: string; browser: boolean }[] = [];
    for (const handler of templateHandlerBuilds().filter((h) => h.api)) {
      const built = await buildHandler(handler, outdir);
      const samples = Array.from({ length: RUNS }, () => coldImportMs(built.outfile));
      const time = summarize(samples);
      const packages = bundledPackages(built.metafile);
      const heavy = packages.filter((name) => ['playwright-core', '@sparticuz/chromium', '@1password/sdk', '@aws-sdk/client-sqs'].includes(name));
      const ok = built.bytes < SIZE_TARGET_BYTES && time.median < IMPORT_TARGET_MS;
      if (!ok) misses.push({ name: handler.functionName, browser: packages.includes('playwright-core') });
      rows.push(
        `| ${handler.functionName} | ${(built.bytes / 1024).toFixed(0)} KB | ${formatMs(time)} | ${packages.length} | ${heavy.join(', ') || '–'} | ${ok ? 'yes' : 'no'} |`,
      );
    }
    const minify = templateHandlerBuilds().filter((h) => h.api).every((h) => h.minify) ? 'minified' : 'as the template sets Minify';
    const markdown = [
      `esbuild as \`sam build\` runs it (bundle, platform node, template's Format/Target/External, ${minify}; source map not counted). Cold import: median of ${RUNS} fresh \`node\` processes each timing \`await import(bundle)\` (min–max). Targets: < 300 KB and < 50 ms.`,
      '',
      '| function | bundle | cold import | npm packages inside | heavy packages inside | meets targets |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      misses.length === 0
        ? 'Every API handler meets both targets.'
        : misses.some((miss) => !miss.browser)
          ? `Missed by ${misses.map((miss) => miss.name).join(', ')}: see the packages inside each bundle.`
          : `Missed by ${misses.map((miss) => miss.name).join(', ')}. Why: every handler resolves its runtime through lib/worker/runtime-registry.ts, whose fallback lazily imports both create-local-runtime (playwright-core, @sparticuz/chromium, the 1Password SDK) and create-sqs-runtime; esbuild inlines dynamic imports with a literal path, so each API bundle carries the browser runner it never calls. Fix: let the Lambda API entry points register the SQS runtime directly (no import of the local runtime), or mark the browser packages External for the API functions.`,
    ].join('\n');
    return { title: 'Handler bundles: size and cold import of each API Lambda', markdown };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
