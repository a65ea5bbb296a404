/** Median, min and max of a sample, for the RESULTS tables. */
export type Summary = { runs: number; median: number; min: number; max: number };

export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { runs: sorted.length, median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

/** `123 ms (98–170)`. */
export function formatMs(summary: Summary): string {
  return `${Math.round(summary.median)} ms (${Math.round(summary.min)}–${Math.round(summary.max)})`;
}
