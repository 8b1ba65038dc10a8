import type { StackGraph } from './graph.js';

/**
 * The stacks with a dependency, direct or not, in their own group (`groupOf` gives a stack's group, or undefined
 * for one in none): by the time such a stack deploys, a stack of its group has deployed. In declaration order.
 * One walk over the dependents per group of two or more stacks.
 */
export function precededInGroup(graph: StackGraph, groupOf: (name: string) => string | undefined): string[] {
  const groups = graph.names.map(groupOf);
  const members = new Map<string, number[]>();
  groups.forEach((group, i) => {
    if (group === undefined) return;
    const stacks = members.get(group);
    if (stacks) stacks.push(i);
    else members.set(group, [i]);
  });
  const preceded = new Uint8Array(graph.names.length);
  // The walk that last reached each stack, so no array is cleared between groups.
  const reachedBy = new Int32Array(graph.names.length).fill(-1);
  let walk = 0;
  for (const [group, stacks] of members) {
    if (stacks.length < 2) continue;
    const queue = [...stacks];
    for (let head = 0; head < queue.length; head++) {
      for (const dependent of graph.dependents[queue[head]!]!) {
        if (reachedBy[dependent] === walk) continue;
        reachedBy[dependent] = walk;
        if (groups[dependent] === group) preceded[dependent] = 1;
        queue.push(dependent);
      }
    }
    walk++;
  }
  return graph.names.filter((_, i) => preceded[i]);
}
