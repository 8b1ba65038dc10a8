export { buildGraph, reverseGraph, type GraphNode, type StackGraph } from './graph.js';
export { validateGraph, type GraphIssue } from './validate.js';
export { levels, topologicalOrder, teardownOrder } from './order.js';
export { readySet, blockedBy } from './progress.js';
export { criticalPath, type CriticalPath } from './criticalPath.js';
