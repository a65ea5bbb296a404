/** Small display helpers shared by the pages and the live task list. */

/** `2025-01-02T10:11:12.345Z` → `2025-01-02 10:11:12Z`; blank when unset. */
export function shortTime(iso: string | null): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** From start to completion (or to now while it runs). */
export function durationOf(startedAt: string | null, completedAt: string | null, now: Date): string {
  if (!startedAt) return '';
  const end = completedAt ? new Date(completedAt).getTime() : now.getTime();
  const ms = end - new Date(startedAt).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  return `${formatMs(ms)}${completedAt ? '' : ' so far'}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The first line, cut to `max` characters. */
export function shortText(text: string | null, max = 120): string {
  if (!text) return '';
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max || text.includes('\n') ? `${line.slice(0, max)}…` : line;
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}
