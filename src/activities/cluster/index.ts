/**
 * The cluster trust zone: one cluster's Kubernetes API through @kubernetes/client-node (preflight,
 * deleting resources, the orphan check), acting with the kubeconfig its worker started with for
 * phase 0 and the orphan check, and as the automation ServiceAccount once rotation has written its
 * kubeconfig. It may depend on src/spec, src/workflows' failure modules and ../interfaces; it must never write
 * Argo CD Applications, which only Argo CD's API changes. See docs/architecture.md#trust-zones.
 */
export { createClusterActivities } from './activities.js';
export { ClusterClient, type ClusterSettings, type ClusterZoneSettings } from './client.js';
export { fieldManager } from './apply.js';
export { defaultRequiredPermissions } from './preflight.js';
export { managedByLabel, platformLabel } from './objects.js';
