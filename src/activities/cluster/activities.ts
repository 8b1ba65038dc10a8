import type { ClusterActivities, ClusterResourceActivities } from '../interfaces.js';
import { applyManifests } from './apply.js';
import { awaitReady } from './awaitReady.js';
import { ClusterClient, type ClusterSettings } from './client.js';
import { deleteResources } from './deleteResources.js';
import { findOrphans } from './findOrphans.js';
import { preflight } from './preflight.js';

/** The cluster trust zone: talks to one cluster's Kubernetes API with the worker's kubeconfig. */
export function createClusterActivities(settings: ClusterSettings = {}): ClusterActivities & ClusterResourceActivities {
  const client = new ClusterClient(settings);
  return {
    preflight: (input) => preflight(client, input),
    findOrphans: (input) => findOrphans(client, input),
    applyManifests: (input) => applyManifests(client, input),
    awaitReady: (input) => awaitReady(client, input),
    deleteResources: (input) => deleteResources(client, input),
  };
}
