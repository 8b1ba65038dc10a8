import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type { Timeouts } from './input.js';
import { zoneTaskQueue, type TrustZone } from './taskQueues.js';

/** Activity options for one trust zone: its queue, the run's heartbeat timeout, and the given limits. */
export function zoneActivityOptions(
  prefix: string,
  zone: TrustZone,
  timeouts: Timeouts,
  startToCloseTimeout: string,
  retry: RetryPolicy,
): ActivityOptions {
  return { taskQueue: zoneTaskQueue(prefix, zone), startToCloseTimeout, heartbeatTimeout: timeouts.heartbeat, retry };
}

/**
 * Playbooks and checks report their own failures as non-retryable: the operator's resume re-runs them, not a retry
 * behind their back. The second attempt is for a worker lost mid-run, whose heartbeat stops: the next worker runs
 * the (idempotent) playbook or check again instead of failing the phase. A third is not worth a 30-minute playbook
 * that ran out its time twice.
 */
export const workerLossRetry: RetryPolicy = { maximumAttempts: 2 };
