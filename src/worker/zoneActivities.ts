import { createAnsibleActivities } from '../activities/ansible/index.js';
import { createArgoCdActivities } from '../activities/argocd/index.js';
import { createClusterActivities } from '../activities/cluster/index.js';
import { createPromotionActivities } from '../activities/promotion/index.js';
import type { ClusterActivities, ClusterResourceActivities } from '../activities/interfaces.js';
import type { Client } from '@temporalio/client';
import type { TrustZone } from '../workflows/taskQueues.js';
import { ansibleSettings, argoCdSettings, clusterSettings, type WorkerSettings } from './settings.js';

/**
 * The real activities of each trust zone the settings serve, each built with only its own zone's settings.
 * Only what the workflows schedule is registered: the cluster zone's applyManifests and awaitReady stay
 * a library for the integration tests. The promotion zone talks to the lifecycle runs through `temporal`.
 */
export function zoneActivities(settings: WorkerSettings, temporal?: Client): Partial<Record<TrustZone, object>> {
  const zones: Partial<Record<TrustZone, object>> = {};
  if (settings.serve.includes('cluster')) {
    const { preflight, findOrphans, deleteResources } = createClusterActivities(clusterSettings(settings));
    zones.cluster = { preflight, findOrphans, deleteResources } satisfies ClusterActivities & ClusterResourceActivities;
  }
  const ansible = ansibleSettings(settings);
  if (settings.serve.includes('ansible') && ansible) zones.ansible = createAnsibleActivities(ansible);
  const argocd = argoCdSettings(settings);
  if (settings.serve.includes('argocd') && argocd) zones.argocd = createArgoCdActivities(argocd);
  if (settings.serve.includes('promotion') && argocd) {
    if (!temporal) throw new Error('serving the promotion zone needs a Temporal client for the lifecycle runs: pass zoneActivities one');
    zones.promotion = createPromotionActivities({ argocd, clusters: clusterSettings(settings), temporal });
  }
  return zones;
}
