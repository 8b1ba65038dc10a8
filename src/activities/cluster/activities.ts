import { chosenCluster } from '../clusters.js';
import type { ClusterActivities, ClusterManifestActivities, ClusterResourceActivities } from '../interfaces.js';
import { inClusterName } from '../../spec/schema.js';
import { applyManifests } from './apply.js';
import { awaitReady } from './awaitReady.js';
import type { ClusterZoneSettings } from './client.js';
import { ClusterCredentials } from './credentials.js';
import { deleteResources } from './deleteResources.js';
import { findOrphans } from './findOrphans.js';
import { preflight } from './preflight.js';

/**
 * The cluster trust zone: talks to the Kubernetes API of each cluster it is given (the hub, in-cluster,
 * and the others by name), with the kubeconfig the worker started with for phase 0 and the orphan check,
 * and as that cluster's automation ServiceAccount once rotation has handed it over.
 */
export function createClusterActivities(
  settings: ClusterZoneSettings = {},
): ClusterActivities & ClusterResourceActivities & ClusterManifestActivities {
  const { clusters = {}, ...hub } = settings;
  const credentials = new Map<string, ClusterCredentials>([
    [inClusterName, new ClusterCredentials(hub)],
    ...Object.entries(clusters).map(([name, cluster]) => [name, new ClusterCredentials(cluster)] as const),
  ]);
  const of = (input: { cluster?: string }) => chosenCluster(credentials, input);
  return {
    preflight: async (input) => preflight(of(input).startClient(), input),
    findOrphans: async (input) => findOrphans(of(input).startClient(), input),
    applyManifests: async (input) => applyManifests(await of(input).currentClient(), input),
    awaitReady: async (input) => awaitReady(await of(input).currentClient(), input),
    deleteResources: async (input) => deleteResources(await of(input).currentClient(), input),
  };
}
