import { readdir, readFile } from 'node:fs/promises';

/** One process as Linux's /proc shows it. */
export type ProcessInfo = { pid: number; ppid: number; pgid: number; state: string; name: string };

/**
 * Every process on the machine, read from /proc (empty where there is none). Playwright does not
 * expose the process of a browser it launched, and we need it to kill what a crashed or hung
 * browser leaves behind.
 */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const found = await Promise.all(names.filter((name) => /^\d+$/.test(name)).map((pid) => readProcess(Number(pid))));
  return found.filter((info): info is ProcessInfo => info !== undefined);
}

async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  // The process may exit between readdir and this read.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // `pid (comm) state ppid pgrp …`; comm may itself hold spaces and parentheses.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    pid,
    name: stat.slice(stat.indexOf('(') + 1, close),
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
  };
}

/** The child of `parentPid` whose command line holds `argument` exactly. */
export async function findChildWithArgument(parentPid: number, argument: string): Promise<number | undefined> {
  for (const child of (await listProcesses()).filter((info) => info.ppid === parentPid)) {
    const cmdline = await readFile(`/proc/${child.pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(argument)) return child.pid;
  }
  return undefined;
}

/**
 * SIGKILLs the process group `pid` leads. Playwright starts Chromium as a group leader, and its
 * renderers and helpers stay in that group: killing the group leaves no orphan behind.
 */
export function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the whole group is already gone.
  }
}
