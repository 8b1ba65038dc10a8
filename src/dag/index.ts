/**
 * Pure graph algorithms on the platform's stacks: validation (unknown dependencies, cycles reported
 * as themselves), topological order, levels, teardown order, the blocked set and the critical path,
 * all linear in stacks and edges, and the stacks preceded in their group (linear per group). It depends
 * on nothing else in Baton and must never do I/O, read the clock or hold state between calls: the
 * workflows, the CLI and the report all run it.
 * See docs/architecture.md#stack-flow.
 */
export { buildGraph, reverseGraph, type GraphNode, type StackGraph } from './graph.js';
export { validateGraph, type GraphIssue } from './validate.js';
export { levels, topologicalOrder, teardownOrder } from './order.js';
export { blockedBy } from './progress.js';
export { precededInGroup } from './groups.js';
export { criticalPath, type CriticalPath } from './criticalPath.js';
