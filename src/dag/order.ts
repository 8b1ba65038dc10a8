import type { StackGraph } from './graph.js';

/**
 * Levels of an acyclic graph: levels[i] holds the stacks whose longest dependency chain
 * has i edges, each level in declaration order. Linear in stacks + edges.
 */
export function levels(graph: StackGraph): string[][] {
  const depth = depthOf(graph);
  const result: string[][] = [];
  depth.forEach((d, i) => (result[d] ??= []).push(graph.names[i]!));
  return result;
}

/** A topological order, dependencies first: the levels one after the other. */
export function topologicalOrder(graph: StackGraph): string[] {
  return levels(graph).flat();
}

/** The order to remove stacks in: every stack before the stacks it depends on. */
export function teardownOrder(graph: StackGraph): string[] {
  return topologicalOrder(graph).reverse();
}

/** Longest dependency chain below each stack, by Kahn's algorithm; throws on a cycle. */
function depthOf(graph: StackGraph): number[] {
  const n = graph.names.length;
  const remaining = graph.dependencies.map((d) => d.length);
  const depth = new Array<number>(n).fill(0);
  const queue: number[] = [];
  remaining.forEach((r, i) => r === 0 && queue.push(i));
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const dependent of graph.dependents[node]!) {
      depth[dependent] = Math.max(depth[dependent]!, depth[node]! + 1);
      if (--remaining[dependent]! === 0) queue.push(dependent);
    }
  }
  if (queue.length !== n) throw new Error('the stack graph has a cycle; validate it first');
  return depth;
}
