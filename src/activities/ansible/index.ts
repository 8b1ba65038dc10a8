/**
 * The ansible trust zone: runs the bootstrap, rotate-credentials and teardown playbooks with
 * ansible-playbook and kubernetes.core, streaming their events as heartbeats, with the bootstrap
 * kubeconfig and Argo CD's admin password; rotation writes the other zones' credentials to their
 * files. It may depend on src/workflows' failure types and ../interfaces; it must never run except for the
 * bootstrap child, while the bootstrap layer holds the platform. See docs/architecture.md#trust-zones.
 */
export { createAnsibleActivities } from './activities.js';
export { automationCredentialsRef, type AnsibleSettings } from './settings.js';
