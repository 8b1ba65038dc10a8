export { createClusterActivities } from './activities.js';
export { ClusterClient, type ClusterSettings } from './client.js';
export { fieldManager } from './apply.js';
export { defaultRequiredPermissions } from './preflight.js';
export { managedByLabel, platformLabel } from './objects.js';
