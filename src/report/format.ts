import { formatDuration } from '../spec/duration.js';

/** A moment in UTC with milliseconds: stack attempts are often shorter than a second. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The time span of something that may still be going on. */
export function formatSpan(start: number, end: number | null): { start: string; end: string; duration: string } {
  return {
    start: formatTime(start),
    end: end === null ? 'running' : formatTime(end),
    duration: end === null ? '' : formatDuration(end - start),
  };
}
