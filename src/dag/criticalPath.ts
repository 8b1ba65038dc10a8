import type { StackGraph } from './graph.js';
import { topologicalOrder } from './order.js';

export interface CriticalPath {
  /** Stacks on the longest chain, dependencies first. */
  readonly stacks: string[];
  /** The sum of their durations. */
  readonly duration: number;
}

/**
 * The chain of dependent stacks with the largest total duration: the lower bound on a
 * run's length however many stacks deploy in parallel. Stacks without a duration count 0.
 */
export function criticalPath(graph: StackGraph, durations: Readonly<Record<string, number>>): CriticalPath {
  const n = graph.names.length;
  const finish = new Array<number>(n).fill(0);
  const previous = new Array<number>(n).fill(-1);
  for (const name of topologicalOrder(graph)) {
    const i = graph.indexOf.get(name)!;
    let start = 0;
    for (const d of graph.dependencies[i]!) {
      if (previous[i] === -1 || finish[d]! > start) {
        previous[i] = d;
        start = finish[d]!;
      }
    }
    finish[i] = start + (durations[name] ?? 0);
  }
  if (n === 0) return { stacks: [], duration: 0 };
  let end = 0;
  finish.forEach((f, i) => f > finish[end]! && (end = i));
  const stacks: string[] = [];
  for (let i = end; i !== -1; i = previous[i]!) stacks.push(graph.names[i]!);
  return { stacks: stacks.reverse(), duration: finish[end]! };
}
