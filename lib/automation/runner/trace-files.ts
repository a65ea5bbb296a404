import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../log/logger.js';

/**
 * Playwright writes a trace's parts (`{name}.trace`, `{name}.network`, screencast frames and
 * snapshot resources) into the browser's artifacts folder and removes them only when the
 * browser closes. A worker keeps its browser for many tasks, so each run removes its own once
 * its context is closed, or the temp folder would grow by every trace ever recorded.
 *
 * Resources are named by their content hash and could be shared with a trace another context
 * of the same browser records at the same time; the worker runs one task per browser at a time.
 */
export async function removeTraceFiles(name: string, logger: Logger): Promise<void> {
  try {
    const dir = await findTracesDirectory(name);
    if (dir === null) return;
    const own = (await readdir(dir)).filter((file) => file.startsWith(name));
    const parts = await Promise.all(own.filter((file) => /\.(trace|network)$/.test(file)).map((file) => readFile(join(dir, file), 'utf8').catch(() => '')));
    // Resources are referenced by hash (`"sha1"`, `"_sha1"`), screencast frames by path (`"file"`).
    const referenced = new Set<string>();
    for (const text of parts) {
      for (const match of text.matchAll(/"_?sha1":"([\w.@-]+)"/g)) referenced.add(join('resources', match[1] as string));
      for (const match of text.matchAll(/"file":"((?:screencast|resources)\/[\w.@-]+)"/g)) referenced.add(match[1] as string);
    }
    const paths = [...own, ...referenced].map((file) => join(dir, file));
    await Promise.all(paths.map((path) => rm(path, { force: true })));
  } catch (error) {
    logger.debug('could not remove the trace temp files', { error });
  }
}

/** The `playwright-artifacts-*` folder (the browser's, made at launch in the temp dir) holding this trace. */
async function findTracesDirectory(name: string): Promise<string | null> {
  const root = tmpdir();
  const candidates = (await readdir(root).catch(() => [] as string[])).filter((entry) => entry.startsWith('playwright-artifacts-'));
  for (const entry of candidates) {
    const files = await readdir(join(root, entry)).catch(() => [] as string[]);
    if (files.some((file) => file.startsWith(name))) return join(root, entry);
  }
  return null;
}
