export { createArgoCdActivities } from './activities.js';
export { ArgoCdClient, type ApplicationManifest } from './client.js';
export { assessApplication, type HealthAssessment } from './health.js';
export type { ArgoCdSettings } from './settings.js';
