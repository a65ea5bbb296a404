import { readFile } from 'node:fs/promises';
import { listProcesses, type ProcessInfo } from '../../lib/automation/browser/browser-process.js';

/** Every process below `rootPid` (children, their children, …), zombies included. */
export async function descendantsOf(rootPid: number = process.pid): Promise<ProcessInfo[]> {
  const all = await listProcesses();
  const below = new Set([rootPid]);
  const found: ProcessInfo[] = [];
  // Parents come before children often but not always: repeat until nothing new is found.
  for (let grew = true; grew; ) {
    grew = false;
    for (const info of all) {
      if (below.has(info.ppid) && !below.has(info.pid)) {
        below.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** The Chromium processes of this test process (zombies included), and those left in `groups`. */
export async function chromiumProcesses(groups: Iterable<number> = []): Promise<ProcessInfo[]> {
  const wanted = new Set(groups);
  const mine = (await descendantsOf()).filter((info) => /chrom/i.test(info.name));
  const strays = (await listProcesses()).filter((info) => wanted.has(info.pgid) && !mine.some((m) => m.pid === info.pid));
  return [...mine, ...strays];
}

/** The main processes of the browsers this test process launched through the provider. */
export async function launchedBrowserPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const child of (await listProcesses()).filter((info) => info.ppid === process.pid)) {
    const cmdline = await readFile(`/proc/${child.pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('--optexity-launch-id=')) pids.push(child.pid);
  }
  return pids;
}

/** Polls `check` until it holds (or `timeoutMs` passes, then answers its last value). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
