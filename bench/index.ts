import { readFile, writeFile } from 'node:fs/promises';
import { describeMachine } from './machine.js';

/** What one benchmark hands back: a Markdown section for RESULTS.md, printed as well. */
export type BenchmarkResult = { title: string; markdown: string };

/**
 * Every benchmark, by name; `npm run bench` runs them all, `npm run bench -- task-start` one.
 * Each is imported only when it runs.
 */
const BENCHMARKS: Record<string, () => Promise<{ run(): Promise<BenchmarkResult> }>> = {
  'task-start': () => import('./task-start.js'),
  'first-step': () => import('./first-step.js'),
  'handler-bundles': () => import('./handler-bundles.js'),
};

const RESULTS = new URL('./RESULTS.md', import.meta.url);
const HEADER = '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs again.\n';

/** Replaces (or appends) the section of benchmark `name`, keeping the others' last results. */
function withSection(document: string, name: string, section: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${section.trim()}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from !== -1 && to > from) return `${document.slice(0, from)}${block}${document.slice(to + end.length)}`;
  return `${document.trimEnd()}\n\n${block}\n`;
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  let document = await readFile(RESULTS, 'utf8').catch(() => HEADER);
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    const load = BENCHMARKS[name];
    if (!load) continue;
    process.stderr.write(`running ${name}…\n`);
    const result = await (await load()).run();
    const section = `## ${result.title}\n\n${describeMachine()}\n\n${result.markdown.trim()}\n`;
    process.stdout.write(`${section}\n`);
    document = withSection(document, name, section);
  }
  await writeFile(RESULTS, document);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
