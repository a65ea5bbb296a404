import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { busyRecording, startBusyPage } from './busy-recording.js';
import type { BenchmarkResult } from './index.js';
import { summarize, type Summary } from './stats.js';
import { startWorkerChild } from './worker-child.js';

const execFileAsync = promisify(execFile);
const RUNS = 5;
const SECONDS = 3;
const CONNECTIONS = 10;
const PYTHON = '/usr/bin/python3';
const THROUGHPUT_TARGET = 3;
const P99_TARGET_MS = 10;

type Sample = { rps: number; p99: number };

/**
 * GET /health requests/s and p99 latency (wrk, or autocannon without it), against our worker (its
 * own process, the browser busy with a running task all along) and against FastAPI + uvicorn from
 * Debian serving the same route, runs alternating, same duration and connections, all on 127.0.0.1.
 */
export async function run(): Promise<BenchmarkResult> {
  const fastApi = fastApiAvailable();
  const generator = loadGenerator();
  const measure = generator.measure;
  const pages = await startBusyPage();
  const worker = await startWorkerChild();
  const python = fastApi.ok ? await startFastApi() : undefined;
  try {
    // Each server alone first: what a request costs it when nothing else runs.
    const oursIdle: Sample[] = [];
    const theirsIdle: Sample[] = [];
    await measure(`${worker.workerUrl}/health`, 1);
    for (let round = 0; round < RUNS; round++) {
      oursIdle.push(await measure(`${worker.workerUrl}/health`, SECONDS));
      if (python) theirsIdle.push(await measure(`${python.url}/health`, SECONDS));
    }
    await worker.writeRecording('busy', busyRecording(pages));
    const taskId = await worker.submit('busy');
    await waitFor(async () => (await worker.health()).task_running, 30_000);
    // A few steps in, so the browser and the runner are in their steady state.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const ours: Sample[] = [];
    const theirs: Sample[] = [];
    let stillRunning = true;
    await measure(`${worker.workerUrl}/health`, 1);
    if (python) await measure(`${python.url}/health`, 1);
    for (let round = 0; round < RUNS; round++) {
      ours.push(await measure(`${worker.workerUrl}/health`, SECONDS));
      stillRunning &&= (await worker.health()).task_running;
      if (python) theirs.push(await measure(`${python.url}/health`, SECONDS));
    }
    await worker.worker('/kill_task', { method: 'POST', json: [taskId] });
    if (!stillRunning) throw new Error('the busy task ended during the measurement: the figures would not be "while an automation runs"');

    const o = { rps: summarize(ours.map((s) => s.rps)), p99: summarize(ours.map((s) => s.p99)) };
    const t = python ? { rps: summarize(theirs.map((s) => s.rps)), p99: summarize(theirs.map((s) => s.p99)) } : undefined;
    const ratio = t ? o.rps.median / t.rps.median : undefined;
    const oi = { rps: summarize(oursIdle.map((s) => s.rps)), p99: summarize(oursIdle.map((s) => s.p99)) };
    const ti = python ? { rps: summarize(theirsIdle.map((s) => s.rps)), p99: summarize(theirsIdle.map((s) => s.p99)) } : undefined;
    const fmt = (s: Summary, digits = 0) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
    const markdown = [
      `${generator.name}, ${CONNECTIONS} connections, ${SECONDS} s per run, median of ${RUNS} runs (min–max), ours and theirs alternating. Ours: the worker as \`npm start\` runs it, in its own process, while a task keeps its browser busy (fill, check, click with a snapshot each step) through every run. Theirs: FastAPI + uvicorn from Debian (${fastApi.ok ? fastApi.versions : 'not installed'}), one worker, an async route with the same JSON, access log off, on the same machine at the same time (our task keeps running). Targets: ≥ ${THROUGHPUT_TARGET}× its throughput, p99 < ${P99_TARGET_MS} ms.`,
      '',
      '| server | requests/s | p99 latency (ms) |',
      '|---|---|---|',
      `| our worker, task running | ${fmt(o.rps)} | ${fmt(o.p99, 1)} |`,
      t ? `| FastAPI + uvicorn | ${fmt(t.rps)} | ${fmt(t.p99, 1)} |` : `| FastAPI + uvicorn | not measured | not measured |`,
      `| (for comparison) our worker, no task | ${fmt(oi.rps)} | ${fmt(oi.p99, 1)} |`,
      ti ? `| (for comparison) FastAPI + uvicorn, no task running | ${fmt(ti.rps)} | ${fmt(ti.p99, 1)} |` : `| (for comparison) FastAPI + uvicorn, no task running | not measured | not measured |`,
      '',
      ratio === undefined
        ? `Throughput ratio not measured: ${fastApi.ok ? 'FastAPI did not run' : fastApi.reason}. Install them with \`apt-get install python3-fastapi python3-uvicorn\`.`
        : `Throughput ratio: **${ratio.toFixed(2)}×** (target ≥ ${THROUGHPUT_TARGET}×: ${ratio >= THROUGHPUT_TARGET ? 'met' : `missed by ${((1 - ratio / THROUGHPUT_TARGET) * 100).toFixed(0)} %`}).`,
      ti ? `With no task running the ratio is ${(oi.rps.median / ti.rps.median).toFixed(2)}×: a request costs our worker that much less CPU. While the task runs, the machine's ${availableParallelism()} cores are shared with Chromium and the load generator, and with the task's own calls (Playwright, the runner), which run in the worker's task thread, not on the event loop that answers the requests.` : '',
      `p99 of our worker: **${o.p99.median.toFixed(1)} ms** (target < ${P99_TARGET_MS} ms: ${o.p99.median < P99_TARGET_MS ? 'met' : `missed by ${(o.p99.median - P99_TARGET_MS).toFixed(1)} ms`}).`,
    ].join('\n');
    return { title: 'HTTP: GET /health while an automation runs, vs FastAPI + uvicorn', markdown };
  } finally {
    await python?.close();
    await worker.close();
    await pages.close();
  }
}

type LoadGenerator = { name: string; measure(url: string, seconds: number): Promise<Sample> };

/**
 * wrk (C, one thread) when it is installed, else autocannon (Node). The load generator shares the
 * two cores with both servers: autocannon's own CPU grows with the rate it drives, so it takes
 * more from the faster server; wrk takes little from either.
 */
function loadGenerator(): LoadGenerator {
  // `wrk --version` prints its version and usage, and exits 1.
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    process.stderr.write('wrk is not installed (apt-get install wrk): measuring with autocannon, whose own CPU takes more from the faster server.\n');
    return { name: 'autocannon', measure: measureWithAutocannon };
  }
  const version = /wrk \S+/.exec(probe.stdout)?.[0] ?? 'wrk';
  return { name: `${version} (1 thread)`, measure: measureWithWrk };
}

async function measureWithAutocannon(url: string, seconds: number): Promise<Sample> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const WRK_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

async function measureWithWrk(url: string, seconds: number): Promise<Sample> {
  const { stdout } = await execFileAsync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  const failed = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(stdout);
  if (failed) throw new Error(`${url}: ${failed[0]}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)$/m.exec(stdout);
  if (!Number.isFinite(rps) || !p99?.[1] || !p99[2]) throw new Error(`${url}: unreadable wrk output:\n${stdout}`);
  return { rps, p99: Number(p99[1]) * (WRK_UNITS_MS[p99[2]] ?? Number.NaN) };
}

function fastApiAvailable(): { ok: true; versions: string } | { ok: false; reason: string } {
  try {
    const versions = execFileSync(PYTHON, ['-c', 'import fastapi, uvicorn; print(f"fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}")'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return { ok: true, versions };
  } catch (error) {
    const reason = `${PYTHON} cannot import fastapi and uvicorn (${error instanceof Error ? (error.message.split('\n').find((line) => /Error/.test(line)) ?? error.message.split('\n')[0]) : String(error)})`;
    process.stderr.write(`${reason}: install them with \`apt-get install python3-fastapi python3-uvicorn\`; the FastAPI figure is marked not measured.\n`);
    return { ok: false, reason };
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startFastApi(): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(PYTHON, [fileURLToPath(new URL('./fastapi-health.py', import.meta.url)), String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health`).catch(() => null))?.ok === true, 30_000);
  return {
    url,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
