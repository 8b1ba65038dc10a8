import { formatDuration } from '../spec/duration.js';
import type { StackState, StackStatus } from '../workflows/state.js';

/** A deploy or delete is under way; any status outside these and `pending`/`blocked` is the result of one. */
const inProgress: ReadonlySet<StackStatus> = new Set(['deploying', 'deleting']);
const notStarted: ReadonlySet<StackStatus> = new Set(['pending', 'blocked']);

export function isInProgress(status: StackStatus): boolean {
  return inProgress.has(status);
}

/** Healthy, deleted, failed (and any other end of an action): the stack's action is over. */
export function isResult(status: StackStatus): boolean {
  return !inProgress.has(status) && !notStarted.has(status);
}

/** How long a stack's action took, or has taken so far. */
export function stackDuration(stack: StackState, now: number): string {
  if (!stack.startedAt) return '';
  const end = stack.finishedAt && !isInProgress(stack.status) ? Date.parse(stack.finishedAt) : now;
  return formatDuration(end - Date.parse(stack.startedAt));
}
