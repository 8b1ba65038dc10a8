import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { LifecycleState } from '../workflows/state.js';

/**
 * While the bootstrap layer holds the platform (phase 1, and the end of teardown), what its child
 * workflow is doing now: the running activity and its last heartbeat (the playbook's current task).
 */
export async function bootstrapProgress(client: Client, state: LifecycleState): Promise<string | undefined> {
  const childId = state.holderIds.bootstrap;
  if (state.authority.platform !== 'bootstrap' || !childId) return undefined;
  const description = await client.workflow
    .getHandle(childId)
    .describe()
    .catch(() => undefined);
  const activity = description?.raw.pendingActivities?.[0];
  if (!activity) return undefined;
  const detail = activity.heartbeatDetails?.payloads?.[0];
  const heartbeat = detail ? defaultPayloadConverter.fromPayload<unknown>(detail) : undefined;
  return `${activity.activityType?.name ?? 'activity'}${typeof heartbeat === 'string' ? `: ${heartbeat}` : ''}`;
}
