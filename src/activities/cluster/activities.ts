import type { ClusterActivities, ClusterManifestActivities, ClusterResourceActivities } from '../interfaces.js';
import { applyManifests } from './apply.js';
import { awaitReady } from './awaitReady.js';
import type { ClusterSettings } from './client.js';
import { ClusterCredentials } from './credentials.js';
import { deleteResources } from './deleteResources.js';
import { findOrphans } from './findOrphans.js';
import { preflight } from './preflight.js';

/**
 * The cluster trust zone: talks to one cluster's Kubernetes API, with the kubeconfig the worker started
 * with for phase 0 and the orphan check, and as the automation ServiceAccount once rotation has handed it over.
 */
export function createClusterActivities(
  settings: ClusterSettings = {},
): ClusterActivities & ClusterResourceActivities & ClusterManifestActivities {
  const credentials = new ClusterCredentials(settings);
  return {
    preflight: (input) => preflight(credentials.startClient(), input),
    findOrphans: (input) => findOrphans(credentials.startClient(), input),
    applyManifests: async (input) => applyManifests(await credentials.currentClient(), input),
    awaitReady: async (input) => awaitReady(await credentials.currentClient(), input),
    deleteResources: async (input) => deleteResources(await credentials.currentClient(), input),
  };
}
