import { setInterval, clearInterval } from 'node:timers';
import { Context } from '@temporalio/activity';
import { timeoutSignal } from './timeoutSignal.js';

/** The activity context when run by a worker (or MockActivityEnvironment); undefined when called directly. */
export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Heartbeats what `progress` returns now and then (a third of the heartbeat timeout, at most every 5 s),
 * so a long wait does not look like a dead worker. Outside an activity it does nothing. Returns the stop.
 */
export function heartbeatWhile(progress: () => unknown): () => void {
  const context = activityContext();
  if (!context) return () => {};
  const timeout = context.info.heartbeatTimeoutMs;
  const everyMs = timeout ? Math.max(200, Math.min(5_000, timeout / 3)) : 5_000;
  context.heartbeat(progress());
  const timer = setInterval(() => context.heartbeat(progress()), everyMs);
  return () => clearInterval(timer);
}

/** Runs `work` heartbeating `progress`: any call that may take seconds must, under a heartbeat timeout. */
export async function heartbeating<T>(progress: string, work: () => Promise<T>): Promise<T> {
  const stop = heartbeatWhile(() => progress);
  try {
    return await work();
  } finally {
    stop();
  }
}

/** Aborts when the activity is cancelled; never outside an activity. */
export function cancellationSignal(): AbortSignal | undefined {
  return activityContext()?.cancellationSignal;
}

/** A signal that aborts on the activity's cancellation and after `ms`, whichever comes first. */
export function deadlineSignal(ms: number): AbortSignal {
  const cancelled = cancellationSignal();
  return AbortSignal.any([timeoutSignal(ms), ...(cancelled ? [cancelled] : [])]);
}
