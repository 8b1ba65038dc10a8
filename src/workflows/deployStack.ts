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
  const { retry, name } = target.stack;
  const argocd = proxyActivities<ArgoCdActivities>(zoneActivityOptions(taskQueuePrefix, 'argocd', timeouts, timeouts.argoCdCall, retry));
  const healthWait = durationMs(target.stack.healthTimeout) + durationMs(timeouts.healthGrace);
  const patient = proxyActivities<ArgoCdActivities>(zoneActivityOptions(taskQueuePrefix, 'argocd', timeouts, `${healthWait}ms`, retry));
  if (input.action === 'delete') {
    // Argo CD removes the resources before the Application: as long as a deploy may take.
    const deleted = await patient.deleteApplication.executeWithOptions({ summary: `delete Application of ${name} and wait until gone` }, [
      target,
    ]);
    // What Argo CD keeps on purpose (CRDs) is no longer any Application's: the cluster zone removes it from the stack's cluster.
    if (deleted.retained?.length) {
      const cluster = proxyActivities<ClusterResourceActivities>(
        zoneActivityOptions(taskQueuePrefix, 'cluster', timeouts, target.stack.healthTimeout, retry),
      );
      const timeoutMs = durationMs(target.stack.healthTimeout);
      await cluster.deleteResources.executeWithOptions(
        { summary: `delete ${deleted.retained.length} object(s) Argo CD kept for ${name}` },
        [{ cluster: target.cluster, objects: deleted.retained, timeoutMs }],
      );
    }
    return { action: 'delete', existed: deleted.existed };
  }
  await argocd.ensureApplication.executeWithOptions({ summary: `upsert Application of ${name}` }, [target]);
  await argocd.syncApplication.executeWithOptions({ summary: `sync ${name}` }, [target]);
  const status = await patient.awaitApplicationHealthy.executeWithOptions({ summary: `wait for ${name} Healthy and Synced` }, [target]);
  return { action: 'deploy', status };
}
