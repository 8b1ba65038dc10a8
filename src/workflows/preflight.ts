import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities } from '../activities/interfaces.js';
import { workerLossRetry, zoneActivityOptions } from './activityOptions.js';
import { failureTypes } from './failureTypes.js';
import type { PlatformRun } from './platformRun.js';

/** Phase 0: the cluster zone checks the environment's cluster is fit for the platform; every failed check is named with its fix. */
export function preflightStep(run: PlatformRun): () => Promise<void> {
  const { taskQueuePrefix, timeouts } = run.settings;
  const cluster = proxyActivities<ClusterActivities>(
    zoneActivityOptions(taskQueuePrefix, 'cluster', timeouts, timeouts.preflight, workerLossRetry),
  );
  return async () => {
    const report = await cluster.preflight.executeWithOptions({ summary: `preflight checks of ${run.cluster}` }, [
      { platform: run.platform, cluster: run.cluster, minKubernetesVersion: run.spec.spec.cluster.minKubernetesVersion },
    ]);
    const failed = report.checks.filter((c) => !c.passed);
    if (failed.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `preflight failed; fix these and resume:\n${failed.map((c) => `  - ${c.name}: ${c.reason}`).join('\n')}`,
        failureTypes.preflightFailed,
      );
    }
  };
}
