export { platformLifecycle } from './platformLifecycle.js';
export { deployStack } from './deployStack.js';
export { bootstrap } from './bootstrap.js';
