import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { describeMachine } from './machine.js';

/** What one benchmark hands back: a Markdown section for RESULTS.md, printed as well. */
export type BenchmarkResult = { title: string; markdown: string };

/**
 * Every benchmark, by name; `npm run bench` runs them all, `npm run bench -- task-start` one.
 * Each is imported only when it runs.
 */
const BENCHMARKS: Record<string, () => Promise<{ run(): Promise<BenchmarkResult> }>> = {
  // The light ones first, on a machine no browser has loaded yet: their figures are milliseconds
  // and microseconds of one process, which the exit of an earlier benchmark's Chromium disturbs.
  'handler-bundles': () => import('./handler-bundles.js'),
  'queue-scale': () => import('./queue-scale.js'),
  'runner-overhead': () => import('./runner-overhead.js'),
  'task-start': () => import('./task-start.js'),
  'first-step': () => import('./first-step.js'),
  'http-health': () => import('./http-health.js'),
  memory: () => import('./memory.js'),
};

/**
 * Each benchmark starts on an idle machine: the processes of the one before (Chromium, servers),
 * or of whatever ran before `npm run bench`, have finished. Idle: at least IDLE_SHARE of the
 * CPU time unused over one second; given up after QUIET_WAIT_MS, which the run line then says.
 */
const IDLE_SHARE = 0.85;
const QUIET_WAIT_MS = 60_000;

/** The machine's idle and total CPU time so far (/proc/stat's first line, in clock ticks). */
async function cpuTimes(): Promise<{ idle: number; total: number }> {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal: idle and iowait are time nobody used.
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total: fields.slice(0, 8).reduce((sum, n) => sum + n, 0) };
}

/** Waits until a second passes with the CPUs at least IDLE_SHARE idle; answers whether one did. */
async function waitForQuiet(): Promise<boolean> {
  const until = Date.now() + QUIET_WAIT_MS;
  while (Date.now() < until) {
    const before = await cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await cpuTimes();
    const total = after.total - before.total;
    if (total > 0 && (after.idle - before.idle) / total >= IDLE_SHARE) return true;
  }
  return false;
}

const RESULTS = new URL('./RESULTS.md', import.meta.url);
const HEADER = '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs again.\n';

/** The sections of RESULTS.md by name (`run` and each benchmark's), as the last runs wrote them. */
function readSections(document: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of document.matchAll(/<!-- bench:([\w-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g)) {
    sections.set(match[1] as string, match[2] as string);
  }
  return sections;
}

/**
 * RESULTS.md from its sections: the run's first, then the benchmarks in the order `npm run bench`
 * runs them, whichever runs wrote them; sections of benchmarks no longer known come last.
 */
function renderSections(sections: Map<string, string>): string {
  const order = ['run', ...Object.keys(BENCHMARKS)];
  const names = [...order.filter((name) => sections.has(name)), ...[...sections.keys()].filter((name) => !order.includes(name))];
  const blocks = names.map((name) => `<!-- bench:${name} -->\n${(sections.get(name) as string).trim()}\n<!-- /bench:${name} -->`);
  return `${HEADER}\n${blocks.join('\n\n')}\n`;
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const sections = readSections(await readFile(RESULTS, 'utf8').catch(() => ''));
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const ran: string[] = [];
  const notQuiet: string[] = [];
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    const load = BENCHMARKS[name];
    if (!load) continue;
    if (!(await waitForQuiet())) notQuiet.push(name);
    process.stderr.write(`running ${name}…\n`);
    const result = await (await load()).run();
    const section = `## ${result.title}\n\n${describeMachine()}\n\n${result.markdown.trim()}\n`;
    process.stdout.write(`${section}\n`);
    sections.set(name, section);
    ran.push(name);
  }
  // Figures from a loaded machine are not comparable with a quiet run's: each run says how loaded it was.
  const minutes = (performance.now() - started) / 60_000;
  const note = process.env.BENCH_NOTE?.trim();
  const full = ran.length === Object.keys(BENCHMARKS).length;
  const run = [
    full ? '## Last full run' : '## This run (partial: RESULTS.md keeps the last full run\'s line)',
    '',
    `${describeMachine()}. Ran ${ran.join(', ')} in ${minutes.toFixed(1)} min (target for the whole suite: < 10 min). Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end.`,
    ...(notQuiet.length > 0 ? ['', `The machine was still busy (under ${IDLE_SHARE * 100} % idle) after ${QUIET_WAIT_MS / 1000} s of waiting before: ${notQuiet.join(', ')}; their figures are less comparable.`] : []),
    ...(note ? ['', note] : []),
  ].join('\n');
  process.stdout.write(`${run}\n`);
  // A partial run's line is printed only: the section keeps the last full run's time and load,
  // which the suite's own target is about; each benchmark's section carries its own date.
  if (full) sections.set('run', run);
  await writeFile(RESULTS, renderSections(sections));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
