import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHandler, bundledPackages, templateHandlerBuilds } from './handler-bundles.js';

const outdir = mkdtempSync(join(tmpdir(), 'handler-bundles-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * Packages an API handler's Lambda bundle must not contain: the browser belongs to the task
 * runner (local worker, ECS fleet), never to the HTTP functions, whose cold start it would
 * dominate (playwright-core alone is megabytes of JavaScript).
 */
const BROWSER_PACKAGES = ['playwright-core', '@sparticuz/chromium'];

describe('API handler bundles (esbuild, as sam build makes them)', () => {
  const builds = templateHandlerBuilds().filter((handler) => handler.api);

  /** The packages in each function's bundle, filled by the build test below. */
  const packagesOf = new Map<string, string[]>();

  it('finds every template function built with esbuild', () => {
    expect(builds.length).toBeGreaterThanOrEqual(8);
  });

  // A build error fails here, never passing for one of the checks that follow.
  it('builds every API handler as sam build would', async () => {
    for (const handler of builds) {
      const built = await buildHandler(handler, outdir);
      expect(built.bytes).toBeGreaterThan(0);
      packagesOf.set(handler.functionName, bundledPackages(built.metafile));
    }
  }, 120_000);

  // The template marks the in-process runtime External for the API functions (they run the SQS
  // runtime), so no browser package may reach their bundles.
  for (const handler of builds) {
    it(`${handler.functionName} (${handler.entryPoint}) leaves out ${BROWSER_PACKAGES.join(' and ')}`, () => {
      const packages = packagesOf.get(handler.functionName);
      expect(packages).toBeDefined();
      expect(packages?.filter((name) => BROWSER_PACKAGES.includes(name))).toEqual([]);
    });
  }
});
