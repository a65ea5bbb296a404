import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** The machine a benchmark ran on, as RESULTS.md states it. */
export function describeMachine(now: Date = new Date()): string {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: the model stays unknown.
  }
  const memoryGb = (totalmem() / 2 ** 30).toFixed(1);
  return `${now.toISOString().slice(0, 10)} · ${availableParallelism()} CPUs (nproc) · ${memoryGb} GB RAM · ${cpu} · Node ${process.version}`;
}
