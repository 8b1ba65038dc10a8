export { createAnsibleActivities } from './activities.js';
export { automationCredentialsRef, type AnsibleSettings } from './settings.js';
