import { proxyActivities } from '@temporalio/workflow';
import type { ApplicationStatus, ArgoCdActivities, ClusterResourceActivities, StackTarget } from '../activities/interfaces.js';
import { durationMs } from '../spec/duration.js';
import { zoneActivityOptions } from './activityOptions.js';
import type { Timeouts } from './input.js';

export type StackAction = 'deploy' | 'delete';

export interface StackRunInput {
  target: StackTarget;
  action: StackAction;
  taskQueuePrefix: string;
  timeouts: Timeouts;
}

export type StackRunResult = { action: 'deploy'; status: ApplicationStatus } | { action: 'delete'; existed: boolean };

/**
 * One stack through Argo CD's API: upsert its Application, sync it and wait until it is
 * Healthy and Synced; or, for teardown, delete it with cascade and wait until it is gone, then
 * remove the CRDs Argo CD leaves behind.
 */
export async function deployStack(input: StackRunInput): Promise<StackRunResult> {
  const { target, timeouts, taskQueuePrefix } = input;
  const retry = target.stack.retry;
  const argocd = proxyActivities<ArgoCdActivities>(zoneActivityOptions(taskQueuePrefix, 'argocd', timeouts, timeouts.argoCdCall, retry));
  const healthWait = durationMs(target.stack.healthTimeout) + durationMs(timeouts.healthGrace);
  const patient = proxyActivities<ArgoCdActivities>(zoneActivityOptions(taskQueuePrefix, 'argocd', timeouts, `${healthWait}ms`, retry));
  if (input.action === 'delete') {
    // Argo CD removes the resources before the Application: as long as a deploy may take.
    const deleted = await patient.deleteApplication(target);
    // What Argo CD keeps on purpose (CRDs) is no longer any Application's: the cluster zone removes it.
    if (deleted.retained?.length) {
      const cluster = proxyActivities<ClusterResourceActivities>(
        zoneActivityOptions(taskQueuePrefix, 'cluster', timeouts, target.stack.healthTimeout, retry),
      );
      await cluster.deleteResources({ objects: deleted.retained, timeoutMs: durationMs(target.stack.healthTimeout) });
    }
    return { action: 'delete', existed: deleted.existed };
  }
  await argocd.ensureApplication(target);
  await argocd.syncApplication(target);
  return { action: 'deploy', status: await patient.awaitApplicationHealthy(target) };
}
