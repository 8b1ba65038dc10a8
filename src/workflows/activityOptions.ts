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

/** Playbooks and checks that fail are re-run by the operator's resume, not behind their back. */
export const runOnce: RetryPolicy = { maximumAttempts: 1 };
