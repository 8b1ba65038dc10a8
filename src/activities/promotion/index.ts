/**
 * The promotion zone: moves an environment to a revision through Argo CD's API, runs its verification in the
 * environment's cluster, and reads which commit a branch is at. It never writes Application objects through
 * Kubernetes: Argo CD's API is the only way an Application changes.
 */
import type { Client } from '@temporalio/client';
import type { ArgoCdSettings } from '../argocd/settings.js';
import { ArgoCdClient } from '../argocd/client.js';
import { ClusterClient, type ClusterSettings, type ClusterZoneSettings } from '../cluster/client.js';
import { chosenCluster } from '../clusters.js';
import type { PromotionActivities } from '../interfaces.js';
import { inClusterName } from '../../spec/schema.js';
import { lifecycleActivities } from './lifecycle.js';
import { promoteRevisionActivity } from './promoteRevision.js';
import { revisionActivities } from './revisions.js';
import { rolloutActivities } from './rollouts.js';
import { verificationActivities } from './verification.js';

export interface PromotionSettings {
  argocd: ArgoCdSettings;
  /** The clusters whose AnalysisRuns the zone creates: the hub's kubeconfig, the others by their Argo CD name. */
  clusters: ClusterZoneSettings;
  /** For the lifecycle runs' state query and promotion updates: made from the worker's connection. */
  temporal: Client;
}

export function createPromotionActivities(settings: PromotionSettings): PromotionActivities {
  const argocd = new ArgoCdClient(settings.argocd);
  const { clusters: spokes, ...hub } = settings.clusters;
  const configured = new Map<string, ClusterSettings>([[inClusterName, hub], ...Object.entries(spokes ?? {})]);
  const clients = new Map<string, ClusterClient>();
  const clusterClient = (cluster: string) => {
    const client = clients.get(cluster) ?? new ClusterClient(chosenCluster(configured, { cluster }));
    clients.set(cluster, client);
    return client;
  };
  return {
    ...revisionActivities,
    ...lifecycleActivities(settings.temporal),
    promoteRevision: promoteRevisionActivity(argocd),
    ...rolloutActivities(argocd),
    ...verificationActivities(clusterClient),
  };
}
