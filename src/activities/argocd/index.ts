/**
 * The argocd trust zone: every stack's Application through Argo CD's REST API (upsert, sync, the
 * health gate, delete, the steady-state watch), with an API token or a local account's password
 * from a file. It may depend on src/spec, src/workflows' failure modules and ../interfaces; it must never touch
 * the Kubernetes API or the cluster zone's code (eslint.config.js enforces it).
 * See docs/architecture.md#argo-cd-api-calls.
 */
export { createArgoCdActivities } from './activities.js';
export { ArgoCdClient, type ApplicationManifest } from './client.js';
export { assessApplication, type HealthAssessment } from './health.js';
export type { ArgoCdSettings } from './settings.js';
