import type { StackGraph } from './graph.js';

/** Every stack that depends, directly or not, on one of the failed stacks; in declaration order. */
export function blockedBy(graph: StackGraph, failed: Iterable<string>): string[] {
  const blocked = new Uint8Array(graph.names.length);
  const queue = [...failed].map((name) => graph.indexOf.get(name)).filter((i): i is number => i !== undefined);
  for (let head = 0; head < queue.length; head++) {
    for (const dependent of graph.dependents[queue[head]!]!) {
      if (!blocked[dependent]) {
        blocked[dependent] = 1;
        queue.push(dependent);
      }
    }
  }
  return graph.names.filter((_, i) => blocked[i]);
}
