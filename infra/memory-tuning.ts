/**
 * How a long-running worker process is started so that its memory stays small: V8's young
 * generation capped at 2 MB per semi-space (the default grows to 16 MB each: memory a busy
 * runner fills between scavenges and never gives back), and glibc told to return freed memory
 * (playwright-core alone leaves ~40 MB of freed parser memory in malloc's arenas otherwise).
 * Measured in bench/memory.ts. `npm start`, `npm run cli`, the Dockerfile and the benchmarks'
 * worker use exactly these; infra/memory-tuning.test.ts checks that they do.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

export const MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_TRIM_THRESHOLD_: '131072',
  // Blocks of 32 KB and more get a mapping of their own, handed back whole when freed. With the
  // task thread, the worker measured 117-121 MB idle and 131-148 MB running a task with this,
  // 122-127 and 145-150 MB with 131072. (MALLOC_ARENA_MAX=2 changed neither figure: not set.)
  MALLOC_MMAP_THRESHOLD_: '32768',
};
