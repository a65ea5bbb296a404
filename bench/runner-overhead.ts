import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { PageServer } from '../test/support/page-server.js';
import type { BenchmarkResult } from './index.js';
import { originalWaits } from './original-waits.js';
import type { RunnerVariant, VariantSpec } from './runner-overhead-samples.js';
import { formatMs, summarize, type Summary } from './stats.js';
import { EXPECTED_OUTPUTS, thirtyStepRecording } from './thirty-steps.js';

const execFileAsync = promisify(execFile);
const RUNS = 15;
const TARGET_RATIO = 1.15;

/**
 * The 30-step recording run by our runner (warm browser, the services and logger a worker
 * builds from its settings) against the same steps written by hand in the same browser, runs
 * rotating so that load on the machine hits every variant alike. The hand-written steps are also
 * run with what the original's steps do and the runner's screenshots, and the runner with and
 * without screenshots, step files as files, and the trace, so each part of the difference is
 * measured rather than guessed.
 */
export async function run(): Promise<BenchmarkResult> {
  const HAND = 'hand-written (playwright-core)';
  const SEMANTICS = "hand-written + the original's step semantics (visible wait before typing and clicking, select's option read, uncheck before check)";
  const FINAL = "… + the recording's final full-page screenshot";
  const FRAMES = '… + step screenshots from the screencast, as the runner takes them';
  const PRODUCTION = 'runner, as a production worker runs it (step screenshots, final screenshot, step folders in one archive, TASK_TRACE off)';
  const BARE = 'runner, steps only (STEP_SCREENSHOTS=false, take_final_screenshot false)';
  const FOLDERS = 'runner, step folders written as files (task files kept: KEEP_TASK_FILES, the default with DEPLOYMENT=dev)';
  const TRACE_ON = 'runner, step folders as files and TASK_TRACE on (the defaults with DEPLOYMENT=dev)';
  const runner = (name: string, variant: Partial<RunnerVariant>): VariantSpec => ({ name, runner: { trace: false, stepScreenshots: true, finalScreenshot: true, stepFiles: 'archive', ...variant } });
  // The two sides of each judged comparison run back to back in every round.
  const groups: VariantSpec[][] = [
    [{ name: HAND, hand: {} }],
    [{ name: SEMANTICS, hand: { originalSemantics: true } }, runner(BARE, { stepScreenshots: false, finalScreenshot: false })],
    [{ name: FINAL, hand: { originalSemantics: true, finalScreenshot: true } }],
    [{ name: FRAMES, hand: { originalSemantics: true, finalScreenshot: true, screencast: true } }, runner(PRODUCTION, {})],
    [runner(FOLDERS, { stepFiles: 'folders' })],
    [runner(TRACE_ON, { stepFiles: 'folders', trace: true })],
  ];
  // Listed in the table in this order.
  const order = [HAND, SEMANTICS, FINAL, FRAMES, PRODUCTION, BARE, FOLDERS, TRACE_ON];
  const variants = order.map((name) => groups.flat().find((variant) => variant.name === name) as VariantSpec);
  const samples = await measureInChild(groups);
  const summary = (name: string) => summarize(samples[name] ?? []);
  const median = (name: string) => summary(name).median;
  const judge = (ratio: number) => (ratio <= TARGET_RATIO ? `meets ≤ ${TARGET_RATIO}×` : `misses ≤ ${TARGET_RATIO}× by ${((ratio / TARGET_RATIO - 1) * 100).toFixed(0)} %`);
  const rows = variants.map((variant) => `| ${variant.name} | ${formatMs(summary(variant.name))} | ${(median(variant.name) / median(HAND)).toFixed(2)}× |`);
  // Each round runs every variant once, the two sides of a judged comparison back to back, so
  // they saw the same moment of the machine: the ratio of a pair is steadier than the ratio of
  // two medians taken over the whole run.
  const paired = (name: string, base: string) => summarize((samples[name] ?? []).map((ms, round) => ms / (samples[base]?.[round] ?? Number.NaN)));
  const stepsOnly = paired(BARE, SEMANTICS);
  const sameWork = paired(PRODUCTION, FRAMES);
  const stepsOnlyBare = paired(BARE, HAND);
  const production = paired(PRODUCTION, HAND);
  const ratio = (r: Summary) => `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
  const waits = originalWaits(thirtyStepRecording(pages0(), {}).nodes);
  const costs = [
    `| the original's step semantics: a visible wait before 3 typing steps and 6 clicks (Playwright's fill, selectOption and check wait for it themselves), the option read before 5 selects (its markup, in Playwright's utility world), an uncheck before 5 checks | ${Math.round(median(SEMANTICS) - median(HAND))} ms | hand-written + semantics − hand-written |`,
    `| the final full-page screenshot (take_final_screenshot) | ${Math.round(median(FINAL) - median(SEMANTICS))} ms | + final screenshot − + semantics |`,
    `| step screenshots: the screencast running and its latest frame taken before each of 30 steps (Chromium captures and encodes a frame each time the page paints) | ${Math.round(median(FRAMES) - median(FINAL))} ms | + step screenshots − + final screenshot |`,
    `| the runner itself: recording parsed and substituted, step archive and steps.json (written behind the steps), JSON logs, each step's title, the check that a step asked for no navigation, the wait after the 3 steps that navigate, the final step | ${Math.round(median(PRODUCTION) - median(FRAMES))} ms | runner (production) − hand-written doing the same |`,
    `| step folders as files instead of one archive (about 250 new files: the kernel's cost of creating them) | ${Math.round(median(FOLDERS) - median(PRODUCTION))} ms | folders − archive |`,
    `| Playwright trace (TASK_TRACE: DOM snapshots and screenshots of every action) | ${Math.round(median(TRACE_ON) - median(FOLDERS))} ms | trace on − off |`,
  ];
  const markdown = [
    `30 steps on 4 local pages (6 fill, 3 type, 5 select, 5 check, 6 click of which 2 navigate, 1 go_to_url, 4 locator extractions), warm browser, fresh context each run, viewport 1920×1080. Median of ${RUNS} runs (min–max), variants rotating each round (the two sides of each judged comparison back to back, in turn first; a 0.25 s pause before each run), all in one \`node\` process running the benchmark bundled by esbuild, as the worker's own bundle runs (not through tsx). The runner runs with the services and logger a worker builds from its settings (DEPLOYMENT=prod; JSON log lines at info, discarded), end_sleep_time left at its default (5 s: an upper bound on the load wait, which only steps that navigate or open a tab pay); every run's extracted values are checked (${Object.values(EXPECTED_OUTPUTS).join(', ')}).`,
    '',
    '| variant | time | × hand-written |',
    '|---|---|---|',
    ...rows,
    '',
    `Target: the runner ≤ ${TARGET_RATIO}× the same steps written by hand. Ratios of the two runs of each round: median (min–max) over the ${RUNS} rounds.`,
    '',
    '| comparison | ratio | target |',
    '|---|---|---|',
    `| the steps: runner with no screenshots asked for vs the same steps hand-written (the original's step semantics) | **${ratio(stepsOnly)}** | ${judge(stepsOnly.median)} |`,
    `| the steps and the trajectory's screenshots, as the original records them by default: runner (production) vs the same steps hand-written with the same screenshots | **${ratio(sameWork)}** | ${judge(sameWork.median)} |`,
    `| (for comparison) runner with no screenshots vs the bare hand-written steps | ${ratio(stepsOnlyBare)} | – |`,
    `| (for comparison) runner (production) vs the bare hand-written steps | ${ratio(production)} | – |`,
    '',
    "The same steps hand-written do what each recorded step means in the original (a smart select reads the options; a check unchecks first so the page sees its change event; typing and clicks wait for a visible element first), without its fixed waits. The bare steps do less: a plain selectOption, a plain check, and no screenshot. What a recording's screenshots cost is Chromium's own capture and encoding, priced below; a worker can leave the step screenshots out (STEP_SCREENSHOTS=false) and a recording its final one (take_final_screenshot).",
    '',
    'Where the difference to the bare hand-written steps goes (differences of the medians above):',
    '',
    '| cost | measured | how |',
    '|---|---|---|',
    ...costs,
    '',
    `What the original's documented waits would add to this recording left at its defaults: **${waits.typicalSeconds.toFixed(1)} s** on pages whose load event has fired (up to ${waits.worstSeconds.toFixed(0)} s when every load wait runs to its 5 s bound), i.e. ${((waits.typicalSeconds * 1000) / median(HAND)).toFixed(0)}× the hand-written run on top of it:`,
    '',
    ...waits.lines.map((line) => `- ${line}`),
    '',
    "Assumptions: the recording leaves end_sleep_time and before_sleep_time out (recorded ones do; this benchmark sets before_sleep_time 0 on its extractions, as the original's 3 s would be a plain timer); each locator matches at its first try; the load event has fired when the 0.1 s pause ends (local pages), else the wait runs to the 5 s bound.",
  ].join('\n');
  return { title: 'Runner overhead: 30 recorded steps vs the same steps hand-written', markdown };
}

/** The recording's nodes only (for counting the original's waits): no server needed. */
function pages0(): PageServer {
  return { url: (path: string) => `http://127.0.0.1${path}`, requests: [], close: async () => {} };
}

/** Builds runner-overhead-samples.ts with esbuild and runs it in plain `node`: its samples. */
async function measureInChild(groups: VariantSpec[][]): Promise<Record<string, number[]>> {
  const outfile = fileURLToPath(new URL('./.build/runner-overhead-samples.js', import.meta.url));
  await build({ entryPoints: [fileURLToPath(new URL('./runner-overhead-samples.ts', import.meta.url))], outfile, bundle: true, packages: 'external', platform: 'node', target: 'node20', format: 'esm', logLevel: 'warning' });
  const { stdout } = await execFileAsync(process.execPath, [outfile, JSON.stringify({ groups, runs: RUNS })], { maxBuffer: 16 * 1024 * 1024 });
  return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { samples: Record<string, number[]> }).samples;
}
