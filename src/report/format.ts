/** A duration for people: 412 ms, 1.37 s, 2m 05s, 1h 02m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** A moment in UTC with milliseconds: stack attempts are often shorter than a second. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The time span of something that may still be going on. */
export function formatSpan(start: number, end: number | null): { start: string; end: string; duration: string } {
  return { start: formatTime(start), end: end === null ? 'running' : formatTime(end), duration: end === null ? '' : formatDuration(end - start) };
}
